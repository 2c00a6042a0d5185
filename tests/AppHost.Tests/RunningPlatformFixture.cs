using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.AppHost.Tests;

/// <summary>One AppHost run shared by the tests that only watch it or restart a service in it.</summary>
public sealed class RunningPlatformFixture : IAsyncLifetime
{
    public PlatformProcess Platform { get; private set; } = null!;

    public async Task InitializeAsync() => Platform = await PlatformProcess.StartAsync();

    public async Task DisposeAsync() => await Platform.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class RunningPlatformCollection : ICollectionFixture<RunningPlatformFixture>
{
    public const string Name = "running platform";
}
