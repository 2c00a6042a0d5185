using System.Collections.Concurrent;
using System.Text.Json;

namespace EfaPlatform.XBezahldiensteSimulator;

public sealed record Transaction(string OriginatorId, string EndPointId, string RequestId, string TransactionId, long GrossAmountCents, string Purpose,
    string RedirectUrl, string Status);

/// <summary>The platform's transactions, written to the state file after every change so that a restarted simulator knows them.</summary>
public sealed class Transactions
{
    private readonly ConcurrentDictionary<string, Transaction> _byRequest = new(StringComparer.Ordinal);
    private readonly string? _stateFile;
    private readonly Lock _writing = new();

    public Transactions(IConfiguration configuration)
    {
        _stateFile = configuration["Simulator:StateFile"];
        if (_stateFile is not null && File.Exists(_stateFile))
        {
            foreach (var transaction in JsonSerializer.Deserialize<List<Transaction>>(File.ReadAllText(_stateFile)) ?? [])
            {
                _byRequest[Key(transaction.OriginatorId, transaction.EndPointId, transaction.RequestId)] = transaction;
            }
        }

        Originators = (configuration["Simulator:Originators"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>"originator/endpoint" pairs that are configured; others answer NO_VALID_ORIGINATOR_OR_ENDPOINT.</summary>
    public HashSet<string> Originators { get; }

    /// <summary>Faults to inject, one per coming request: "timeout" (answers after 30 s) or "error" (500).</summary>
    public ConcurrentQueue<string> Faults { get; } = new();

    public int Requests;

    public int Count => _byRequest.Count;

    public Transaction? Find(string originator, string endpoint, string requestId) => _byRequest.GetValueOrDefault(Key(originator, endpoint, requestId));

    public Transaction? FindById(string transactionId) => _byRequest.Values.FirstOrDefault(t => t.TransactionId == transactionId);

    public bool TryAdd(Transaction transaction)
    {
        var added = _byRequest.TryAdd(Key(transaction.OriginatorId, transaction.EndPointId, transaction.RequestId), transaction);
        Save();
        return added;
    }

    public bool Remove(string transactionId)
    {
        var removed = FindById(transactionId) is { } transaction && _byRequest.TryRemove(Key(transaction.OriginatorId, transaction.EndPointId, transaction.RequestId), out _);
        Save();
        return removed;
    }

    public void Set(Transaction transaction, string status)
    {
        _byRequest[Key(transaction.OriginatorId, transaction.EndPointId, transaction.RequestId)] = transaction with { Status = status };
        Save();
    }

    private void Save()
    {
        if (_stateFile is null)
        {
            return;
        }

        lock (_writing)
        {
            File.WriteAllText(_stateFile + ".tmp", JsonSerializer.Serialize(_byRequest.Values.ToList()));
            File.Move(_stateFile + ".tmp", _stateFile, overwrite: true);
        }
    }

    private static string Key(string originator, string endpoint, string requestId) => $"{originator}/{endpoint}/{requestId}";
}
