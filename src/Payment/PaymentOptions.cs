using System.ComponentModel.DataAnnotations;
using EfaPlatform.Payment.Kassenzeichen;

namespace EfaPlatform.Payment;

/// <summary>Configuration section "Payment".</summary>
public sealed class PaymentOptions
{
    public const string SectionName = "Payment";

    /// <summary>The Kassenzeichen format of a municipality that has set none of its own.</summary>
    [Required]
    public KassenzeichenFormat DefaultKassenzeichenFormat { get; set; } = new();
}
