using System.Globalization;
using System.Text;
using EfaPlatform.Contracts.Payment.V1;

namespace EfaPlatform.Payment.Reconciliation;

/// <summary>
/// An export as municipal finance systems import it: UTF-8 with BOM, semicolons, CRLF, German decimal comma, booking
/// time in the treasury's local time. A text field that a spreadsheet would run as a formula (=, +, -, @) gets a
/// leading apostrophe.
/// </summary>
public static class ExportCsv
{
    private static readonly CultureInfo German = CultureInfo.GetCultureInfo("de-DE");

    public static byte[] Write(Export export)
    {
        var text = new StringBuilder();
        text.Append("Buchungsart;Kassenzeichen;Referenz;Betrag;Waehrung;Anbieterreferenz;Buchungszeit;Zahlungs-ID;Erstattungs-ID\r\n");
        foreach (var booking in export.Bookings)
        {
            var bookedAt = TreasuryCalendar.Local(booking.BookedAt.ToDateTimeOffset());
            text.AppendJoin(';',
                    booking.Kind == "payment" ? "Zahlung" : "Erstattung",
                    Field(booking.Kassenzeichen),
                    Field(booking.Reference),
                    (booking.AmountCents / 100m).ToString("0.00", German),
                    "EUR",
                    Field(booking.ProviderReference),
                    bookedAt.ToString("dd.MM.yyyy HH:mm:ss", CultureInfo.InvariantCulture),
                    booking.PaymentId,
                    booking.RefundId)
                .Append("\r\n");
        }

        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    private static string Field(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.IndexOfAny([';', '"', '\r', '\n']) >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
    }
}
