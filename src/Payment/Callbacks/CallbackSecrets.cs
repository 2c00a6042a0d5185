using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using EfaPlatform.ServiceDefaults;
using Npgsql;

namespace EfaPlatform.Payment.Callbacks;

/// <summary>
/// Each municipality's callback secrets, sealed with AES-256-GCM under a key derived from Payment:SecretKey (a copy of
/// the database alone reveals none). Rotating makes a new secret the one providers sign with; the one before stays
/// valid for <see cref="RotationGrace"/>, so that callbacks already signed with it are still taken.
/// </summary>
public sealed partial class CallbackSecrets(NpgsqlDataSource dataSource, IOptions<PaymentOptions> options, TimeProvider clock, ILogger<CallbackSecrets> logger)
{
    public static readonly TimeSpan RotationGrace = TimeSpan.FromHours(24);
    private const string Prefix = "whsec_";
    private readonly SecretSealer _sealer = new(options.Value.SecretKey, "efa.payment.callback-secrets.v1");

    /// <summary>The secrets a callback of <paramref name="tenantId"/> may be signed with now, the newest first.</summary>
    public async Task<IReadOnlyList<byte[]>> ValidAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var select = new NpgsqlCommand(
            "select id, sealed_secret from callback_secrets where tenant_id = $1 and (retires_at is null or retires_at > $2) order by created_at desc", connection);
        select.Parameters.AddWithValue(tenantId);
        select.Parameters.AddWithValue(clock.GetUtcNow());
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var secrets = new List<byte[]>();
        while (await reader.ReadAsync(cancellationToken))
        {
            try
            {
                secrets.Add(Encoding.UTF8.GetBytes(Unseal(tenantId, reader.GetGuid(0), reader.GetFieldValue<byte[]>(1))));
            }
            catch (CryptographicException)
            {
                // Sealed under another Payment:SecretKey: it verifies nothing; the municipality rotates to a new one.
                LogUnreadable(logger, tenantId, reader.GetGuid(0));
            }
        }

        return secrets;
    }

    /// <summary>The secret a provider signs with now; the municipality's first one is made when none exists yet.</summary>
    public async Task<byte[]> SigningAsync(Guid tenantId, CancellationToken cancellationToken) =>
        (await ValidAsync(tenantId, cancellationToken)) is [var newest, ..]
            ? newest
            : Encoding.UTF8.GetBytes(await RotateAsync(tenantId, cancellationToken));

    /// <summary>Makes a new signing secret and returns it (the only time it is shown); the others retire after the grace period.</summary>
    public async Task<string> RotateAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var secret = Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var id = Guid.CreateVersion7(now);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("update callback_secrets set retires_at = $2 where tenant_id = $1 and (retires_at is null or retires_at > $2)")
                {
                    Parameters = { new() { Value = tenantId }, new() { Value = now + RotationGrace } },
                },
                new NpgsqlBatchCommand("insert into callback_secrets (tenant_id, id, sealed_secret, created_at) values ($1, $2, $3, $4)")
                {
                    Parameters = { new() { Value = tenantId }, new() { Value = id }, new() { Value = Seal(tenantId, id, secret) }, new() { Value = now } },
                },
            },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken);
        return secret;
    }

    // The tenant and secret id are the associated data: a sealed secret copied to another row does not open.
    private byte[] Seal(Guid tenantId, Guid id, string secret) => _sealer.Seal(secret, AssociatedData(tenantId, id));

    private string Unseal(Guid tenantId, Guid id, byte[] sealedSecret) => _sealer.Unseal(sealedSecret, AssociatedData(tenantId, id));

    private static byte[] AssociatedData(Guid tenantId, Guid id) => [.. tenantId.ToByteArray(), .. id.ToByteArray()];

    [LoggerMessage(Level = LogLevel.Error, Message = "Callback secret {SecretId} of tenant {TenantId} does not open with Payment:SecretKey (was the key changed?); rotate the secret")]
    private static partial void LogUnreadable(ILogger logger, Guid tenantId, Guid secretId);
}
