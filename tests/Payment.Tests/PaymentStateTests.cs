using EfaPlatform.Payment.Payments;

namespace EfaPlatform.Payment.Tests;

public sealed class PaymentStateTests
{
    [Theory]
    [InlineData("created", "started")]
    [InlineData("started", "succeeded")]
    [InlineData("started", "failed")]
    [InlineData("started", "expired")]
    [InlineData("started", "cancelled")]
    [InlineData("succeeded", "partially_refunded")]
    [InlineData("partially_refunded", "partially_refunded")]
    [InlineData("partially_refunded", "refunded")]
    [InlineData("succeeded", "refunded")]
    public void Legal_moves_are_allowed(string from, string to) => Assert.True(PaymentState.CanMove(from, to));

    [Theory]
    [InlineData("created", "succeeded")] // never confirmed without being started at the provider
    [InlineData("expired", "succeeded")] // a late confirmation is recorded, not applied
    [InlineData("succeeded", "failed")]
    [InlineData("failed", "succeeded")]
    [InlineData("refunded", "partially_refunded")]
    [InlineData("started", "refunded")]
    public void Everything_else_is_refused(string from, string to) => Assert.False(PaymentState.CanMove(from, to));
}
