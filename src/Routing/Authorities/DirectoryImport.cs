using System.Globalization;
using System.Text;
using System.Text.Json;
using Sylvan.Data.Csv;

namespace EfaPlatform.Routing.Authorities;

/// <summary>
/// A directory file (JSON or CSV, formats in docs/routing.md) read into units, with every problem named by its line and field;
/// units are only returned when there is none. Overlaps (two units for one LeiKa key in one area) and duplicate unit ids
/// are problems of the file as a whole, reported at the later unit's line.
/// </summary>
public static class DirectoryImport
{
    public const int MaxContentLength = 8 * 1024 * 1024;
    public const int MaxUnits = 20_000;
    public const int MaxProblems = 200;
    public const int MaxDirectoryCoverage = 2_000_000;

    public static readonly string[] CsvColumns =
        ["unitId", "name", "leikaKeys", "areas", "email", "phone", "address", "channel", "pushUrl", "callbackSecret", "encryptionKey", "destinationLeikaKeys"];

    public sealed record Problem(int Line, string Field, string Description);

    public sealed record Result(IReadOnlyList<DirectoryUnit> Units, IReadOnlyList<Problem> Problems);

    private sealed record Located(int Line, DirectoryUnit Unit);

    public static Result Read(string format, string content, bool allowLoopbackHttp)
    {
        var problems = new List<Problem>();
        if (content.Contains('\uFFFD'))
        {
            var line = content[..content.IndexOf('\uFFFD')].Count(c => c == '\n') + 1;
            return new Result([], [new Problem(line, "content", "is not UTF-8 text (an undecodable byte was found); save the file as UTF-8")]);
        }

        content = content.TrimStart('\uFEFF');
        List<Located> located;
        try
        {
            located = format switch
            {
                "json" => ReadJson(content, problems),
                "csv" => ReadCsv(content, problems),
                _ => throw new ArgumentOutOfRangeException(nameof(format), format, "json or csv"),
            };
        }
        catch (Exception e) when (e.GetType().Namespace == typeof(CsvDataReader).Namespace)
        {
            // Sylvan refuses a record over its buffer or a quote that never ends.
            return new Result([], [new Problem(1, "content", $"is not a CSV file this import reads: {e.Message}")]);
        }
        if (located.Count > MaxUnits)
        {
            problems.Add(new Problem(1, "units", $"a directory has at most {MaxUnits} units"));
        }

        CheckUnits(located, allowLoopbackHttp, problems);
        return problems.Count > 0 ? new Result([], problems.OrderBy(problem => problem.Line).Take(MaxProblems).ToList()) : new Result(located.Select(l => l.Unit).ToList(), []);
    }

    private static void CheckUnits(IReadOnlyList<Located> located, bool allowLoopbackHttp, List<Problem> problems)
    {
        var units = new Dictionary<string, int>(StringComparer.Ordinal);
        var coverage = new Dictionary<(string Key, string Area), string>();
        var covered = 0;
        foreach (var (line, unit) in located)
        {
            if (problems.Count >= MaxProblems)
            {
                return;
            }

            UnitRules.Check(unit, field => Camel(field), allowLoopbackHttp, (field, description) => problems.Add(new Problem(line, field, description)));
            if (!units.TryAdd(unit.UnitId, line))
            {
                problems.Add(new Problem(line, "unitId", $"{unit.UnitId} is already defined at line {units[unit.UnitId]}"));
                continue;
            }

            covered += unit.LeikaKeys.Count * unit.Areas.Count;
            if (unit.LeikaKeys.Count * unit.Areas.Count > UnitRules.MaxCoverage || covered > MaxDirectoryCoverage)
            {
                if (covered > MaxDirectoryCoverage)
                {
                    problems.Add(new Problem(line, "units", $"a directory covers at most {MaxDirectoryCoverage} pairs of LeiKa key and area"));
                    return;
                }

                continue;
            }

            foreach (var key in unit.LeikaKeys.Distinct())
            {
                foreach (var area in unit.Areas.Distinct())
                {
                    if (!coverage.TryAdd((key, area), unit.UnitId))
                    {
                        problems.Add(new Problem(line, "areas", $"unit {coverage[(key, area)]} already covers LeiKa key {key} in area {area}"));
                    }
                }
            }
        }
    }

    /// <summary>"leika_keys[0]" as the file names it: "leikaKeys[0]".</summary>
    private static string Camel(string field)
    {
        var builder = new StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            builder.Append(field[i] == '_' && i + 1 < field.Length ? char.ToUpperInvariant(field[++i]) : field[i]);
        }

        return builder.ToString();
    }

    private static List<Located> ReadJson(string content, List<Problem> problems)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            problems.Add(new Problem((int)(e.LineNumber ?? 0) + 1, "content", $"is not valid JSON: {e.Message.Split(" LineNumber", 2)[0]}"));
            return [];
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("units", out var units) || units.ValueKind != JsonValueKind.Array)
            {
                problems.Add(new Problem(1, "units", "the file must be an object with an array \"units\""));
                return [];
            }

            var lines = UnitStartLines(bytes);
            var located = new List<Located>();
            var index = 0;
            foreach (var element in units.EnumerateArray())
            {
                var line = index < lines.Count ? lines[index] : 1;
                index++;
                if (element.ValueKind != JsonValueKind.Object)
                {
                    problems.Add(new Problem(line, "units", "every unit must be an object"));
                    continue;
                }

                var reader = new JsonFields(element, line, problems);
                located.Add(new Located(line, new DirectoryUnit(
                    Guid.Empty, reader.Text("unitId"), reader.Text("name"), reader.Texts("leikaKeys"), reader.Texts("areas"),
                    reader.Contact(), reader.Destinations(), 0, default, "")));
            }

            return located;
        }
    }

    /// <summary>The line on which each element of the top-level "units" array starts.</summary>
    private static List<int> UnitStartLines(byte[] bytes)
    {
        var starts = new List<int>();
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = 16 });
        var inUnits = false;
        var line = 1;
        var counted = 0;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
            {
                inUnits = reader.ValueTextEquals("units");
            }
            else if (inUnits && reader.CurrentDepth == 2 && reader.TokenType is JsonTokenType.StartObject or JsonTokenType.String or JsonTokenType.Number
                     or JsonTokenType.StartArray or JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null)
            {
                var start = (int)reader.TokenStartIndex;
                for (; counted < start; counted++)
                {
                    if (bytes[counted] == '\n')
                    {
                        line++;
                    }
                }

                starts.Add(line);
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                }
            }
        }

        return starts;
    }

    private static List<Located> ReadCsv(string content, List<Problem> problems)
    {
        var firstLine = content.Split('\n', 2)[0];
        var options = new CsvDataReaderOptions
        {
            Delimiter = firstLine.Count(c => c == ';') > firstLine.Count(c => c == ',') ? ';' : ',',
            HasHeaders = true,
            // A unit's row may list hundreds of keys and areas.
            MaxBufferSize = 1024 * 1024,
        };
        using var csv = CsvDataReader.Create(new StringReader(content), options);
        var header = Enumerable.Range(0, csv.FieldCount).Select(i => csv.GetName(i).Trim()).ToArray();
        if (header.All(string.IsNullOrEmpty))
        {
            problems.Add(new Problem(1, "header", "the file is empty; the first line names the columns: " + string.Join(";", CsvColumns)));
            return [];
        }

        foreach (var missing in CsvColumns.Take(8).Where(column => !header.Contains(column, StringComparer.Ordinal)))
        {
            problems.Add(new Problem(1, missing, "column missing from the header"));
        }

        foreach (var unknown in header.Where(column => !CsvColumns.Contains(column, StringComparer.Ordinal)))
        {
            problems.Add(new Problem(1, unknown, "unknown column; the columns are " + string.Join(";", CsvColumns)));
        }

        if (problems.Count > 0)
        {
            return [];
        }

        // One row per destination: the rows of one unit follow each other and repeat (or leave empty) the unit's columns.
        var located = new List<Located>();
        while (csv.Read())
        {
            // Sylvan counts records after the header from 1; the header is line 1.
            var line = csv.RowNumber + 1;
            string Field(string column) => Array.IndexOf(header, column) is >= 0 and var index && index < csv.RowFieldCount ? csv.GetString(index).Trim() : "";
            var destination = new DirectoryDestination(
                Guid.Empty, Field("channel"), NullIfEmpty(Field("pushUrl")), NullIfEmpty(Field("callbackSecret")), false,
                NullIfEmpty(Field("encryptionKey")), List(Field("destinationLeikaKeys")));
            var unitId = Field("unitId");
            if (located.Count > 0 && located[^1].Unit.UnitId == unitId && Field("name").Length == 0)
            {
                var previous = located[^1];
                located[^1] = previous with { Unit = previous.Unit with { Destinations = [.. previous.Unit.Destinations, destination] } };
                continue;
            }

            located.Add(new Located(line, new DirectoryUnit(
                Guid.Empty, unitId, Field("name"), List(Field("leikaKeys")), List(Field("areas")),
                new UnitContact(Field("email"), Field("phone"), Field("address")), [destination], 0, default, "")));
        }

        return located;
    }

    /// <summary>A CSV cell's list: entries separated by spaces or "|".</summary>
    private static string[] List(string cell) => cell.Split([' ', '|'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
