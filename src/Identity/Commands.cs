using EfaPlatform.Identity.Data;
using EfaPlatform.Identity.Keys;
using EfaPlatform.Identity.Seeding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EfaPlatform.Identity;

/// <summary>The service's explicit one-off steps: `EfaPlatform.Identity migrate`, `rotate-signing-key [--activate-after hh:mm:ss]`.</summary>
public static class Commands
{
    public static async Task<int?> TryRunAsync(this WebApplication app, string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "migrate":
                await using (var scope = app.Services.CreateAsyncScope())
                {
                    await scope.ServiceProvider.GetRequiredService<IdentityDb>().Database.MigrateAsync();
                    // Data Protection keys written before the key ring was encrypted are encrypted now.
                    await KeyRingProtection.EncryptClearKeysAsync(scope.ServiceProvider.GetRequiredService<IdentityDb>(),
                        scope.ServiceProvider.GetRequiredService<KeyRingCipher>(), CancellationToken.None);
                    await Provisioning.RunAsync(scope.ServiceProvider, app.Configuration, app.Logger, CancellationToken.None);
                }

                return 0;
            case "rotate-signing-key":
                await using (var scope = app.Services.CreateAsyncScope())
                {
                    var options = scope.ServiceProvider.GetRequiredService<IOptions<IdentityServiceOptions>>().Value;
                    var activateAfter = args.Length > 2 && args[1] == "--activate-after" ? TimeSpan.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : options.SigningKeyActivationDelay;
                    await KeyStore.RotateAsync(scope.ServiceProvider.GetRequiredService<IdentityDb>(), Data.KeyUse.Signing, options, activateAfter, CancellationToken.None);
                    Console.WriteLine($"A new signing key is published from each instance's next start and signs from {DateTimeOffset.UtcNow + activateAfter:u}; the old one stays published until it expires.");
                }

                return 0;
            default:
                return null;
        }
    }
}
