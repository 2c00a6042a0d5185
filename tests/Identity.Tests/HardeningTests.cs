using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using EfaPlatform.Identity.Data;
using EfaPlatform.Identity.Keys;
using EfaPlatform.TestInfrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace EfaPlatform.Identity.Tests;

/// <summary>
/// What the identity database or Redis give away on their own (the Data Protection key ring, secrets in the idempotency
/// cache), and what a token may do: a machine client only in its services, administration only with a second factor.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class HardeningTests(PlatformFixture fixture) : IDisposable
{
    private const string TotpPurpose = Accounts.Totp.ProtectionPurpose;
    private readonly OidcClient _operator = fixture.Client();
    private readonly OidcClient _client = fixture.Client();

    private static string UniqueArs() => "09" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task With_the_database_alone_a_stored_TOTP_secret_cannot_be_unprotected()
    {
        const string password = "Herbst-2026-Heidelberg";
        var email = $"citizen-{Guid.NewGuid():N}@buerger.example";
        Assert.Equal(HttpStatusCode.OK, (await _client.CallAsync(HttpMethod.Post, "/api/identity/v1/citizens", null, new { email, password, displayName = "Test Bürger" })).Status);
        var token = (await _client.SignInAsync(email, password)).Body.AccessToken();
        var (enrolled, enrollment) = await _client.CallAsync(HttpMethod.Post, "/api/identity/v1/me/totp", token, new { });
        Assert.Equal(HttpStatusCode.OK, enrolled);
        var secret = enrollment.GetProperty("secret").GetString()!;
        var code = new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(secret)).ComputeTotp();
        Assert.Equal(HttpStatusCode.OK, (await _client.CallAsync(HttpMethod.Post, "/api/identity/v1/me/totp/confirm", token, new { code })).Status);

        var database = await IdentityDatabaseAsync();
        string protectedSecret;
        List<string> keyRing;
        await using (var db = new IdentityDb(new DbContextOptionsBuilder<IdentityDb>().UseNpgsql(database).UseOpenIddict().Options))
        {
            protectedSecret = (await db.Accounts.SingleAsync(a => a.Email == email)).ProtectedTotpSecret!;
            keyRing = await db.DataProtectionKeys.Select(k => k.Xml ?? "").ToListAsync();
        }

        Assert.NotEmpty(keyRing);
        Assert.All(keyRing, key =>
        {
            Assert.Contains("encryptedSecret", key, StringComparison.Ordinal);
            Assert.DoesNotContain("requiresEncryption", key, StringComparison.Ordinal);
        });
        await using (var withoutSecret = KeyRingReader(services => services.AddDbContext<IdentityDb>(db => db.UseNpgsql(database).UseOpenIddict())
                         .AddDataProtection().PersistKeysToDbContext<IdentityDb>(), keySecret: null))
        {
            var protector = withoutSecret.GetRequiredService<IDataProtectionProvider>().CreateProtector(TotpPurpose);
            Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(protectedSecret));
        }

        await using (var withSecret = KeyRingReader(services => services.AddDbContext<IdentityDb>(db => db.UseNpgsql(database).UseOpenIddict())
                         .AddDataProtection().PersistKeysToDbContext<IdentityDb>(), fixture.Platform.Secret("identity-key")))
        {
            Assert.Equal(secret, withSecret.GetRequiredService<IDataProtectionProvider>().CreateProtector(TotpPurpose).Unprotect(protectedSecret));
        }
    }

    [Fact]
    public async Task A_client_secret_is_not_kept_in_clear_in_the_idempotency_cache_and_a_repeat_still_gets_it()
    {
        var operatorToken = await fixture.AdministratorTokenAsync("operator@efa.example");
        var tenantId = await CreateTenantAsync(operatorToken);
        using var http = new HttpClient { BaseAddress = new Uri(fixture.GatewayUrl), Timeout = TimeSpan.FromSeconds(30) };
        var key = Guid.NewGuid().ToString();
        var body = new { displayName = "Fachverfahren Einmal", scopes = new[] { "efa.forms" } };

        var (firstStatus, first) = await http.SendAsync(HttpMethod.Post, $"/api/identity/v1/tenants/{tenantId}/clients", operatorToken, body, key);
        var (repeatStatus, repeat) = await http.SendAsync(HttpMethod.Post, $"/api/identity/v1/tenants/{tenantId}/clients", operatorToken, body, key);

        Assert.Equal(HttpStatusCode.OK, firstStatus);
        Assert.Equal(HttpStatusCode.OK, repeatStatus);
        var secret = first.GetProperty("clientSecret").GetString()!;
        Assert.Equal(first.GetProperty("client").GetProperty("clientId").GetString(), repeat.GetProperty("client").GetProperty("clientId").GetString());
        Assert.Equal(secret, repeat.GetProperty("clientSecret").GetString());

        var redisPort = new Uri((await fixture.Platform.EndpointAsync("redis", "tcp")).Replace("redis://", "tcp://")).Port;
        var redisPassword = (await File.ReadAllTextAsync(Path.Combine(fixture.Platform.DataDirectory, "redis.password"))).Trim();
        await using var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{redisPort},password={redisPassword}");
        var entries = new List<string>();
        await foreach (var stored in redis.GetServers().Single().KeysAsync(pattern: "*:idempotency:*"))
        {
            if (await redis.GetDatabase().StringGetAsync(stored) is { HasValue: true } value)
            {
                entries.Add(value.ToString());
            }
        }

        Assert.Contains(entries, entry => entry.Contains("\"Protected\":true", StringComparison.Ordinal));
        Assert.All(entries, entry => Assert.False(Reveals(entry, secret), "an idempotency entry in Redis holds the client secret"));
    }

    [Fact]
    public async Task A_client_with_only_another_services_scope_is_refused()
    {
        var clientSecret = fixture.Platform.Secret("identity-seed-client");
        var formsOnly = (await _client.ClientCredentialsAsync("heidelberg-fachverfahren", clientSecret, "efa.forms")).Body.AccessToken();
        var identityScope = (await _client.ClientCredentialsAsync("heidelberg-fachverfahren", clientSecret, "efa.identity")).Body.AccessToken();

        Assert.Equal(HttpStatusCode.Forbidden, (await _client.CallAsync(HttpMethod.Get, "/api/identity/v1/me", formsOnly)).Status);
        Assert.Equal(HttpStatusCode.OK, (await _client.CallAsync(HttpMethod.Get, "/api/identity/v1/me", identityScope)).Status);
    }

    [Fact]
    public async Task A_tenant_admin_signed_in_with_password_only_cannot_create_staff()
    {
        var operatorToken = await fixture.AdministratorTokenAsync("operator@efa.example");
        var tenantId = await CreateTenantAsync(operatorToken);
        const string password = "Verwaltung-2026-Test!";
        var adminEmail = $"admin-{Guid.NewGuid():N}@gemeinde.example";
        Assert.Equal(HttpStatusCode.OK, (await _operator.CallAsync(HttpMethod.Post, $"/api/identity/v1/tenants/{tenantId}/staff", operatorToken,
            new { email = adminEmail, displayName = "Verwaltung Test", role = "tenant-admin", password })).Status);

        var adminToken = (await _client.SignInAsync(adminEmail, password)).Body.AccessToken();
        Assert.Equal("low", Jwt.Payload(adminToken).GetProperty("acr").GetString());
        var (status, _) = await _client.CallAsync(HttpMethod.Post, $"/api/identity/v1/tenants/{tenantId}/staff", adminToken,
            new { email = $"x{Guid.NewGuid():N}@gemeinde.example", displayName = "X", role = "caseworker", password = "lang-genug-123!" });

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal(HttpStatusCode.OK, (await _client.CallAsync(HttpMethod.Get, $"/api/identity/v1/tenants/{tenantId}", adminToken)).Status);
    }

    public void Dispose()
    {
        _operator.Dispose();
        _client.Dispose();
    }

    /// <summary>A Data Protection provider that reads (never writes) the key ring; with a key secret it can decrypt it.</summary>
    internal static ServiceProvider KeyRingReader(Func<IServiceCollection, IDataProtectionBuilder> keyRing, string? keySecret, bool generateKeys = false)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        var dataProtection = keyRing(services).SetApplicationName("efa-identity");
        if (!generateKeys)
        {
            // A reader that cannot decrypt the ring must not add a key of its own to it.
            dataProtection.DisableAutomaticKeyGeneration();
        }

        if (keySecret is not null)
        {
            services.Configure<IdentityServiceOptions>(options => options.KeySecret = keySecret);
            dataProtection.ProtectKeysWithKeySecret();
        }

        return services.BuildServiceProvider();
    }

    private async Task<string> IdentityDatabaseAsync()
    {
        var port = new Uri((await fixture.Platform.EndpointAsync("postgres", "tcp")).Replace("postgresql://", "tcp://")).Port;
        var password = (await File.ReadAllTextAsync(Path.Combine(fixture.Platform.DataDirectory, "postgres.password"))).Trim();
        return $"Host=127.0.0.1;Port={port};Username=postgres;Password={password};Database=identity";
    }

    private async Task<string> CreateTenantAsync(string operatorToken)
    {
        var (status, tenant) = await _operator.CallAsync(HttpMethod.Post, "/api/identity/v1/tenants", operatorToken,
            new { slug = $"h-{Guid.NewGuid():N}"[..20], displayName = "Gemeinde Härtetest", ars = UniqueArs(), contactEmail = "rathaus@haerte.example" });
        Assert.Equal(HttpStatusCode.OK, status);
        return tenant.GetProperty("tenantId").GetString()!;
    }

    /// <summary>Whether the entry holds the secret in clear, or in base64 (the protobuf bytes of an answer) that decodes to it.</summary>
    private static bool Reveals(string entry, string secret)
    {
        var texts = new List<string> { entry };
        try
        {
            using var json = JsonDocument.Parse(entry);
            if (json.RootElement.ValueKind == JsonValueKind.Object)
            {
                texts.AddRange(json.RootElement.EnumerateObject()
                    .Where(property => property.Value.ValueKind == JsonValueKind.String)
                    .Select(property => property.Value.GetString()!));
            }
        }
        catch (JsonException)
        {
            // Not JSON: the entry itself is looked at, in clear and decoded.
        }

        return texts.Any(text =>
        {
            var bytes = new byte[text.Length];
            return text.Contains(secret, StringComparison.Ordinal)
                   || (Convert.TryFromBase64String(text, bytes, out var length) && Encoding.Latin1.GetString(bytes, 0, length).Contains(secret, StringComparison.Ordinal));
        });
    }
}

/// <summary>The key ring's encryption on its own: keys written in clear before it existed, and a wrong key secret.</summary>
public sealed class KeyRingProtectionTests
{
    private const string KeySecret = "a-key-secret-of-at-least-32-characters-for-tests";

    [Fact]
    public void A_key_written_in_clear_is_encrypted_in_place_and_reads_only_with_the_key_secret()
    {
        var directory = TestDirectories.Create("key-ring");
        try
        {
            string protectedText;
            using (var clear = HardeningTests.KeyRingReader(services => services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(directory)), null, generateKeys: true))
            {
                protectedText = clear.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("geheim");
            }

            var keyFile = Assert.Single(Directory.GetFiles(directory, "*.xml"));
            Assert.Contains("requiresEncryption", File.ReadAllText(keyFile), StringComparison.Ordinal);
            var key = XElement.Load(keyFile);
            Assert.True(KeyRingProtection.EncryptClearParts(key, new KeyRingCipher(KeySecret)));
            Assert.False(KeyRingProtection.EncryptClearParts(key, new KeyRingCipher(KeySecret)));
            key.Save(keyFile);
            Assert.DoesNotContain("requiresEncryption", File.ReadAllText(keyFile), StringComparison.Ordinal);

            foreach (var secret in new string?[] { null, "another-key-secret-of-at-least-32-characters" })
            {
                using var unable = HardeningTests.KeyRingReader(services => services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(directory)), secret);
                var protector = unable.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");
                Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(protectedText));
            }

            using var able = HardeningTests.KeyRingReader(services => services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(directory)), KeySecret);
            Assert.Equal("geheim", able.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(protectedText));
        }
        finally
        {
            TestDirectories.Delete(directory);
        }
    }

    [Fact]
    public void New_keys_are_written_encrypted()
    {
        var directory = TestDirectories.Create("key-ring");
        try
        {
            using (var writer = HardeningTests.KeyRingReader(services => services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(directory)), KeySecret, generateKeys: true))
            {
                writer.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("geheim");
            }

            var stored = File.ReadAllText(Assert.Single(Directory.GetFiles(directory, "*.xml")));
            Assert.Contains("encryptedSecret", stored, StringComparison.Ordinal);
            Assert.Contains(typeof(KeyRingDecryptor).FullName!, stored, StringComparison.Ordinal);
            Assert.DoesNotContain("requiresEncryption", stored, StringComparison.Ordinal);
        }
        finally
        {
            TestDirectories.Delete(directory);
        }
    }
}
