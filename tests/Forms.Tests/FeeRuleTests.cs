using System.Text.Json;
using EfaPlatform.Forms.Definitions;

namespace EfaPlatform.Forms.Tests;

public sealed class FeeRuleTests
{
    private static readonly JsonElement TwoYears = JsonSerializer.SerializeToElement(new { years = 2 });

    [Fact]
    public void A_per_quantity_fee_multiplies_the_municipalitys_amount_or_else_the_services_by_the_answered_quantity()
    {
        var perYear = new FeeRule(FeeKind.PerQuantity, 3060, QuantityField: "years");

        Assert.Equal(6120, perYear.AmountFor(null, TwoYears));
        Assert.Equal(24000, perYear.AmountFor(12000, TwoYears));
        Assert.Equal(1300, new FeeRule(FeeKind.Fixed, 1300).AmountFor(null, TwoYears));
        Assert.Equal(0, new FeeRule(FeeKind.Fixed, 1300).AmountFor(0, TwoYears));
    }
}
