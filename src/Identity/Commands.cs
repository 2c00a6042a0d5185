using System.Globalization;
using EfaPlatform.Identity.Data;
using EfaPlatform.Identity.Keys;
using EfaPlatform.Identity.Seeding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EfaPlatform.Identity;

/// <summary>
/// Identity's part of the kit's one-off commands: its step of `migrate` (EF Core migrations, the key ring, the
/// development data) and `rotate-signing-key [--activate-after hh:mm:ss]`.
/// </summary>
public static class Commands
{
    public const string RotateSigningKey = "rotate-signing-key";

    public static async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<IdentityDb>();
        await db.Database.MigrateAsync(cancellationToken);
        // Data Protection keys written before the key ring was encrypted are encrypted now.
        await KeyRingProtection.EncryptClearKeysAsync(db, services.GetRequiredService<KeyRingCipher>(), cancellationToken);
        await Provisioning.RunAsync(services, services.GetRequiredService<IConfiguration>(),
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(Commands)), cancellationToken);
    }

    public static async Task<int> RotateSigningKeyAsync(WebApplication app, string[] args)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var options = scope.ServiceProvider.GetRequiredService<IOptions<IdentityServiceOptions>>().Value;
        var activateAfter = args.Length > 1 && args[0] == "--activate-after" ? TimeSpan.Parse(args[1], CultureInfo.InvariantCulture) : options.SigningKeyActivationDelay;
        await KeyStore.RotateAsync(scope.ServiceProvider.GetRequiredService<IdentityDb>(), KeyUse.Signing, options, activateAfter, CancellationToken.None);
        var from = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow() + activateAfter;
        Console.WriteLine($"A new signing key is published from each instance's next start and signs from the first start of an instance after {from:u}; the old one stays published until it expires.");
        return 0;
    }
}
