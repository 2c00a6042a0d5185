using System.Text;

namespace EfaPlatform.AppHost.Hosting;

public static class ResourceTable
{
    public static string Render(IEnumerable<Resource> resources)
    {
        var rows = resources.Select(r => new[]
        {
            r.Name, r.Type, r.State.ToString().ToLowerInvariant(), r.ProcessId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
            string.Join(" ", r.Endpoints.Select(e => $"{e.Name}={e.Url}")),
        }).Prepend(["RESOURCE", "TYPE", "STATE", "PID", "ENDPOINTS"]).ToList();
        var widths = Enumerable.Range(0, 5).Select(column => rows.Max(row => row[column].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            text.AppendLine(string.Join("  ", row.Select((cell, column) => column == 4 ? cell : cell.PadRight(widths[column]))).TrimEnd());
        }

        return text.ToString();
    }
}
