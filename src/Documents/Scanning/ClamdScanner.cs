using System.Buffers.Binary;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace EfaPlatform.Documents.Scanning;

public enum ScanVerdict
{
    Clean,
    Infected,

    /// <summary>The scanner answered but could not check the file (too large for it, or an error of its own).</summary>
    Failed,
}

/// <param name="Detail">The signature found, or the scanner's error.</param>
public sealed record ScanResult(ScanVerdict Verdict, string? Detail = null);

/// <summary>The scanner could not be reached; the file stays waiting to be scanned.</summary>
public sealed class ScannerUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// clamd's INSTREAM command over TCP ("host:port" in ConnectionStrings:clamav): the content goes in chunks, each after
/// its length as 4 big-endian bytes, then a zero length; the answer is "stream: OK", "stream: NAME FOUND" or an error.
/// </summary>
public sealed class ClamdScanner
{
    public const string ConnectionName = "clamav";
    private const int ChunkSize = 64 * 1024;
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);
    private readonly string _host;
    private readonly int _port;

    public ClamdScanner(IConfiguration configuration)
    {
        var address = configuration.GetConnectionString(ConnectionName);
        var separator = address?.LastIndexOf(':') ?? -1;
        if (separator <= 0 || !int.TryParse(address![(separator + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out _port))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings__{ConnectionName} must name the ClamAV daemon as host:port; without a scanner no document could ever be attached.");
        }

        _host = address[..separator];
    }

    public async Task<ScanResult> ScanAsync(Stream content, CancellationToken cancellationToken)
    {
        using var client = new TcpClient { NoDelay = true };
        try
        {
            using var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            connect.CancelAfter(ConnectTimeout);
            await client.ConnectAsync(_host, _port, connect.Token);
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new ScannerUnavailableException($"The virus scanner at {_host}:{_port} cannot be reached.", exception);
        }

        var stream = client.GetStream();
        try
        {
            await SendAsync(stream, content, cancellationToken);
        }
        catch (IOException)
        {
            // clamd closes the connection when the stream passes its limit; its answer says so.
        }

        return Parse(await ReadAnswerAsync(stream, cancellationToken));
    }

    private static async Task SendAsync(NetworkStream stream, Stream content, CancellationToken cancellationToken)
    {
        await stream.WriteAsync("zINSTREAM\0"u8.ToArray(), cancellationToken);
        var buffer = new byte[4 + ChunkSize];
        int read;
        while ((read = await content.ReadAsync(buffer.AsMemory(4, ChunkSize), cancellationToken)) > 0)
        {
            BinaryPrimitives.WriteInt32BigEndian(buffer, read);
            await stream.WriteAsync(buffer.AsMemory(0, 4 + read), cancellationToken);
        }

        await stream.WriteAsync(new byte[4], cancellationToken);
    }

    private async Task<string> ReadAnswerAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var answer = new List<byte>();
        var buffer = new byte[256];
        try
        {
            int read;
            while (answer.Count < 4096 && (read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                answer.AddRange(buffer.AsSpan(0, read));
                if (answer.Contains(0))
                {
                    break;
                }
            }
        }
        catch (IOException exception)
        {
            throw new ScannerUnavailableException($"The virus scanner at {_host}:{_port} ended the connection without an answer.", exception);
        }

        return answer.Count == 0
            ? throw new ScannerUnavailableException($"The virus scanner at {_host}:{_port} gave no answer.")
            : Encoding.ASCII.GetString([.. answer]).TrimEnd('\0', '\n');
    }

    private static ScanResult Parse(string answer)
    {
        var text = answer.StartsWith("stream: ", StringComparison.Ordinal) ? answer["stream: ".Length..] : answer;
        if (text == "OK")
        {
            return new ScanResult(ScanVerdict.Clean);
        }

        return text.EndsWith(" FOUND", StringComparison.Ordinal)
            ? new ScanResult(ScanVerdict.Infected, text[..^" FOUND".Length])
            : new ScanResult(ScanVerdict.Failed, text);
    }
}
