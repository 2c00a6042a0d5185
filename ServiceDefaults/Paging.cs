using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace EfaPlatform.ServiceDefaults;

/// <summary>Where a list call starts and how much it returns.</summary>
/// <param name="After">The position after which the page starts (the service's own keyset value), null for the first page.</param>
public sealed record PageRequest(int Size, string? After);

/// <summary>
/// One way to page every list call: page_size 1 to <see cref="MaxPageSize"/> (0 for <see cref="DefaultPageSize"/>),
/// anything else refused with a field error; page_token opaque to callers and bound to the filter it was made with, so
/// a token used with another filter is refused rather than silently skipping or repeating rows.
/// </summary>
public static class Paging
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;
    private const int MaxPositionLength = 320; // an e-mail address has up to 254 characters

    public static PageRequest Read(int pageSize, string pageToken, string filter, FieldErrors errors)
    {
        if (pageSize is < 0 or > MaxPageSize)
        {
            errors.Add("page_size", $"must be from 1 to {MaxPageSize} (0 for {DefaultPageSize})");
        }

        string? after = null;
        if (pageToken.Length > 0 && !TryOpen(pageToken, filter, out after))
        {
            errors.Add("page_token", "must be the next_page_token of an earlier page, sent with the same filters");
        }

        return new PageRequest(pageSize == 0 ? DefaultPageSize : Math.Clamp(pageSize, 1, MaxPageSize), after);
    }

    /// <summary>
    /// One page from rows read with one more than the page size (so that the last row says whether a next page
    /// exists), and the token of the next page, made from the position of the page's last row.
    /// </summary>
    public static (IReadOnlyList<T> Items, string NextToken) Page<T>(IReadOnlyList<T> fetched, int pageSize, string filter, Func<T, string> positionOf) =>
        fetched.Count > pageSize
            ? (fetched.Take(pageSize).ToList(), NextToken(filter, positionOf(fetched[pageSize - 1])))
            : (fetched, "");

    /// <summary>The token of the page after <paramref name="position"/>; empty when there is none.</summary>
    public static string NextToken(string filter, string? position) =>
        position is null ? "" : WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes($"{FilterHash(filter)}|{position}"));

    private static bool TryOpen(string token, string filter, out string? position)
    {
        position = null;
        try
        {
            var text = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(token));
            var separator = text.IndexOf('|', StringComparison.Ordinal);
            if (separator < 0 || text[..separator] != FilterHash(filter))
            {
                return false;
            }

            // Tokens are not secret (anyone can make one for a filter they may read), so what they carry is checked like
            // any other input before it reaches a query.
            var candidate = text[(separator + 1)..];
            if (candidate.Length > MaxPositionLength || candidate.Any(char.IsControl))
            {
                return false;
            }

            position = candidate;
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static string FilterHash(string filter) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(filter)))[..16];
}
