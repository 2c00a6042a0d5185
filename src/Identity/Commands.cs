using EfaPlatform.Identity.Data;
using EfaPlatform.Identity.Keys;
using EfaPlatform.Identity.Seeding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace EfaPlatform.Identity;

/// <summary>The service's explicit one-off steps, run as `EfaPlatform.Identity migrate` or `rotate-signing-key`.</summary>
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
                    await Provisioning.RunAsync(scope.ServiceProvider, app.Configuration, app.Logger, CancellationToken.None);
                }

                return 0;
            case "rotate-signing-key":
                await using (var scope = app.Services.CreateAsyncScope())
                {
                    var options = scope.ServiceProvider.GetRequiredService<IOptions<IdentityServiceOptions>>().Value;
                    await KeyStore.RotateAsync(scope.ServiceProvider.GetRequiredService<IdentityDb>(), Data.KeyUse.Signing, options, CancellationToken.None);
                }

                Console.WriteLine("A new signing key signs from the next start of each instance; the old one stays published until it expires.");
                return 0;
            default:
                return null;
        }
    }
}
