using System.Text.RegularExpressions;
using EfaPlatform.AppHost.Hosting;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.AppHost.Tests;

/// <summary>Development secrets and passwords in the data folder are the AppHost user's alone (mode 0600).</summary>
public sealed partial class SecretFileTests
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public void A_secret_is_created_readable_by_its_owner_only_and_kept_between_runs()
    {
        var directory = TestDirectories.Create("secrets");
        try
        {
            var builder = PlatformBuilder.Create([], [new("AppHost:DataDirectory", directory)]);
            var secret = builder.Secret("example");
            var totp = builder.TotpSecret("example-totp");

            Assert.Equal(OwnerOnly, File.GetUnixFileMode(Path.Combine(directory, "example.secret")));
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(Path.Combine(directory, "example-totp.secret")));
            Assert.Matches(Base32Secret(), totp);
            Assert.Equal(secret, PlatformBuilder.Create([], [new("AppHost:DataDirectory", directory)]).Secret("example"));
        }
        finally
        {
            TestDirectories.Delete(directory);
        }
    }

    [GeneratedRegex("^[A-Z2-7]{32}$")]
    private static partial Regex Base32Secret();
}

[Collection(RunningPlatformCollection.Name)]
public sealed class RunningPlatformSecretFileTests(RunningPlatformFixture fixture)
{
    [Fact]
    public void Every_secret_and_password_file_of_a_running_platform_is_readable_by_its_owner_only()
    {
        var files = Directory.GetFiles(fixture.Platform.DataDirectory, "*.secret")
            .Concat(Directory.GetFiles(fixture.Platform.DataDirectory, "*.password"))
            .ToList();

        Assert.Contains(files, file => file.EndsWith("postgres.password", StringComparison.Ordinal));
        Assert.Contains(files, file => file.EndsWith("identity-seed-totp.secret", StringComparison.Ordinal));
        Assert.All(files, file => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file)));
    }
}
