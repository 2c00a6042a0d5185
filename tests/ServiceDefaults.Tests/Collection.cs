using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.ServiceDefaults.Tests;

[CollectionDefinition(Name)]
public sealed class InfrastructureCollection : ICollectionFixture<InfrastructureFixture>
{
    public const string Name = "infrastructure";
}
