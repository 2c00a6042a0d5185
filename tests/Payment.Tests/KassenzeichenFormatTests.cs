using EfaPlatform.Payment.Kassenzeichen;

namespace EfaPlatform.Payment.Tests;

public sealed class KassenzeichenFormatTests
{
    [Fact]
    public void The_default_format_is_year_then_six_digits_then_a_luhn_digit()
    {
        var kassenzeichen = new KassenzeichenFormat().Format(2026, 17);

        Assert.Equal("2026000017", kassenzeichen[..^1]);
        Assert.True(new KassenzeichenFormat().HasValidCheckDigit(kassenzeichen));
    }

    [Theory]
    [InlineData("7992739871", '3')] // the textbook Luhn example
    [InlineData("424242424242424", '2')] // the test card 4242 4242 4242 4242
    public void The_check_digit_is_luhns(string body, char digit) => Assert.Equal(digit, KassenzeichenFormat.LuhnDigit(body));

    [Fact]
    public void A_municipalitys_own_format_has_its_prefix_and_no_year_when_it_wants_none()
    {
        var format = new KassenzeichenFormat { Prefix = "HD50", IncludeYear = false, SequenceDigits = 8, CheckDigit = KassenzeichenFormat.NoCheckDigit };

        Assert.Equal("HD5000000123", format.Format(2026, 123));
    }

    [Fact]
    public void A_sequence_longer_than_its_digits_grows_the_reference_instead_of_repeating_one() =>
        Assert.Equal("20261234567", new KassenzeichenFormat { SequenceDigits = 3, CheckDigit = KassenzeichenFormat.NoCheckDigit }.Format(2026, 1234567));

    [Fact]
    public void A_mistyped_digit_fails_the_check()
    {
        var format = new KassenzeichenFormat();
        var kassenzeichen = format.Format(2026, 42);
        var typo = kassenzeichen[..4] + (char)('0' + (kassenzeichen[4] - '0' + 1) % 10) + kassenzeichen[5..];

        Assert.False(format.HasValidCheckDigit(typo));
    }

    [Fact]
    public void Letters_count_as_their_two_digits_position_in_the_alphabet_plus_nine()
    {
        // H = 17, D = 13: "HD1" is checked as 1 7 1 3 1.
        Assert.Equal('4', KassenzeichenFormat.LuhnDigit("HD1"));
        Assert.Equal(KassenzeichenFormat.LuhnDigit("17131"), KassenzeichenFormat.LuhnDigit("HD1"));
        var format = new KassenzeichenFormat { Prefix = "HD", IncludeYear = false, SequenceDigits = 3 };
        Assert.True(format.HasValidCheckDigit(format.Format(2026, 7)));
    }
}
