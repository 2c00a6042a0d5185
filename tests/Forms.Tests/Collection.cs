using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Forms.Tests;

[CollectionDefinition(Name)]
public sealed class InfrastructureCollection : ICollectionFixture<InfrastructureFixture>
{
    public const string Name = "infrastructure";
}
