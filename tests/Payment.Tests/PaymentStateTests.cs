using EfaPlatform.Payment.Payments;

namespace EfaPlatform.Payment.Tests;

public sealed class PaymentStateTests
{
    private static readonly HashSet<(string, string)> Legal =
    [
        ("created", "started"), ("created", "cancelled"),
        ("started", "succeeded"), ("started", "failed"), ("started", "expired"), ("started", "cancelled"),
        ("succeeded", "partially_refunded"), ("succeeded", "refunded"),
        ("partially_refunded", "partially_refunded"), ("partially_refunded", "refunded"),
    ];

    public static TheoryData<string, string> EveryPair()
    {
        var pairs = new TheoryData<string, string>();
        foreach (var from in PaymentState.All)
        {
            foreach (var to in PaymentState.All)
            {
                pairs.Add(from, to);
            }
        }

        return pairs;
    }

    /// <summary>Of all 64 pairs exactly these ten are moves: never confirmed without being started, no way back from an end.</summary>
    [Theory]
    [MemberData(nameof(EveryPair))]
    public void Only_the_legal_moves_are_allowed(string from, string to) => Assert.Equal(Legal.Contains((from, to)), PaymentState.CanMove(from, to));
}
