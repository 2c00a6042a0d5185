using System.Text.Json;
using Microsoft.Extensions.Options;

namespace EfaPlatform.PushReceiver;

/// <summary>One delivery as taken: its effect happened once; Received counts how often it arrived.</summary>
public sealed record ReceivedDelivery(string DeliveryId, string SubmissionId, string Reference, string ReceiptId, DateTimeOffset ReceivedAt, int Received, bool Encrypted);

/// <summary>
/// The deliveries taken, each written (body, then its index line) before it is acknowledged. Written, not synced: what
/// is written survives the receiver being killed (the kernel has it), which is what the tests do; a power cut is not
/// what a development receiver needs to survive.
/// </summary>
public sealed class ReceivedDeliveries
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ReceivedDelivery> _byId = new(StringComparer.Ordinal);
    private readonly string _directory;
    private readonly string _index;

    public ReceivedDeliveries(IOptions<ReceiverOptions> options)
    {
        _directory = options.Value.StateDirectory;
        Directory.CreateDirectory(Path.Combine(_directory, "bodies"));
        _index = Path.Combine(_directory, "deliveries.jsonl");
        if (File.Exists(_index))
        {
            foreach (var line in File.ReadLines(_index).Where(line => line.Length > 0))
            {
                var delivery = JsonSerializer.Deserialize<ReceivedDelivery>(line)!;
                _byId[delivery.DeliveryId] = delivery;
            }
        }
    }

    /// <summary>Takes a delivery once: a repeat of a delivery id is counted and answered with the first receipt.</summary>
    public ReceivedDelivery Take(string deliveryId, string submissionId, string reference, bool encrypted, byte[] body, string headers)
    {
        lock (_lock)
        {
            if (_byId.TryGetValue(deliveryId, out var known))
            {
                var repeated = known with { Received = known.Received + 1 };
                _byId[deliveryId] = repeated;
                Append(repeated);
                return repeated;
            }

            var safeId = Guid.Parse(deliveryId).ToString("N");
            Write(Path.Combine(_directory, "bodies", safeId + ".json"), body);
            Write(Path.Combine(_directory, "bodies", safeId + ".headers"), System.Text.Encoding.UTF8.GetBytes(headers));
            var taken = new ReceivedDelivery(deliveryId, submissionId, reference, $"EINGANG-{_byId.Count + 1:D6}", DateTimeOffset.UtcNow, 1, encrypted);
            _byId[deliveryId] = taken;
            Append(taken);
            return taken;
        }
    }

    public IReadOnlyList<ReceivedDelivery> All()
    {
        lock (_lock)
        {
            return [.. _byId.Values.OrderBy(d => d.ReceivedAt)];
        }
    }

    public (byte[] Body, string Headers)? Raw(string deliveryId)
    {
        if (!Guid.TryParse(deliveryId, out var id))
        {
            return null;
        }

        var path = Path.Combine(_directory, "bodies", id.ToString("N"));
        return File.Exists(path + ".json") ? (File.ReadAllBytes(path + ".json"), File.ReadAllText(path + ".headers")) : null;
    }

    private void Append(ReceivedDelivery delivery)
    {
        using var stream = new FileStream(_index, FileMode.Append, FileAccess.Write, FileShare.Read);
        stream.Write(JsonSerializer.SerializeToUtf8Bytes(delivery));
        stream.WriteByte((byte)'\n');
    }

    private static void Write(string path, byte[] content)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        stream.Write(content);
    }
}
