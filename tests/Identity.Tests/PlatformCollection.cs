using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Identity.Tests;

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "platform";
}
