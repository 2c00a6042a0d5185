using System.Globalization;
using EfaPlatform.ServiceDefaults;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace EfaPlatform.Forms;

/// <summary>Checks of request fields that several forms RPCs share; problems go to the caller's <see cref="FieldErrors"/>.</summary>
public static class RequestFields
{
    /// <summary>A day as YYYY-MM-DD; null when empty or malformed (then with an error).</summary>
    public static DateOnly? Day(string value, string field, FieldErrors errors)
    {
        if (value.Length == 0)
        {
            return null;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }

        errors.Add(field, "must be a date YYYY-MM-DD");
        return null;
    }

    /// <summary>The answers as JSON text ("{}" when none), with an error when they are larger than allowed.</summary>
    public static string Answers(Struct? answers, int maxBytes, FieldErrors errors)
    {
        var json = answers is null ? "{}" : JsonFormatter.Default.Format(answers);
        if (System.Text.Encoding.UTF8.GetByteCount(json) > maxBytes)
        {
            errors.Add("answers", $"must have at most {maxBytes} bytes");
        }

        return json;
    }
}
