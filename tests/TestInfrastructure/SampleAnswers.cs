namespace EfaPlatform.TestInfrastructure;

/// <summary>Complete, valid answers for the forms catalog's services, as a citizen would give them (tests and benchmarks).</summary>
public static class SampleAnswers
{
    public static object PrivateCertificate(string purpose = "Einstellung als Erzieherin") => new
    {
        certificateKind = "private",
        extended = false,
        purpose,
        applicant = new { familyName = "Mustermann", givenNames = "Erika", birthDate = "1984-08-12", birthPlace = "Köln", nationality = "DEU" },
        deliveryAddress = new { street = "Hauptstraße", houseNumber = "12", postalCode = "69117", city = "Heidelberg" },
    };

    public static object Registration(int persons, string landlordConfirmation = "01a20617-89fd-7fd4-97d1-f538613d32b4") => new
    {
        moveInDate = "2026-11-01",
        newAddress = new { street = "Hauptstraße", houseNumber = "12", postalCode = "69117", city = "Heidelberg" },
        residenceKind = "sole",
        movedFromAbroad = false,
        previousAddress = new { street = "Domkloster", houseNumber = "4", postalCode = "50667", city = "Köln", keptAs = "given-up" },
        persons = Enumerable.Range(0, persons).Select(i => new
        {
            familyName = "Mustermann", givenNames = $"Kind {i}", birthDate = $"{1980 + i}-03-0{1 + (i % 9)}", birthPlace = "Köln",
            sex = "x", nationality = i % 2 == 0 ? "DEU" : "other", otherNationality = i % 2 == 0 ? null : "österreichisch", maritalStatus = "LD",
        }).ToArray(),
        landlordConfirmation,
    };

    /// <summary>A resident parking permit for one year, for the holder of the vehicle.</summary>
    public static object ParkingPermit(string registrationCertificate) => new
    {
        address = new { street = "Hauptstraße", houseNumber = "12", postalCode = "69117", city = "Heidelberg" },
        licensePlate = "HD-AB 123", vehicleKind = "pkw", isHolder = true, years = 1,
        validFrom = DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        registrationCertificate,
    };
}
