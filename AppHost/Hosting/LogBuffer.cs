namespace EfaPlatform.AppHost.Hosting;

public sealed record LogLine(long Sequence, DateTimeOffset Time, string Stream, string Text);

/// <summary>The most recent console lines of one resource, numbered so that readers can ask for what is new.</summary>
public sealed class LogBuffer(int capacity = 2000)
{
    private readonly Queue<LogLine> _lines = new();
    private readonly Lock _lock = new();
    private long _next = 1;

    public event Action<LogLine>? LineAdded;

    public void Add(string stream, string text)
    {
        LogLine line;
        lock (_lock)
        {
            line = new LogLine(_next++, DateTimeOffset.UtcNow, stream, text);
            _lines.Enqueue(line);
            while (_lines.Count > capacity)
            {
                _lines.Dequeue();
            }
        }

        LineAdded?.Invoke(line);
    }

    public IReadOnlyList<LogLine> After(long sequence, int max = 1000)
    {
        lock (_lock)
        {
            return _lines.Where(line => line.Sequence > sequence).TakeLast(max).ToList();
        }
    }
}
