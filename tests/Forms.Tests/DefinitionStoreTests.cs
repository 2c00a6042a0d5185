using EfaPlatform.Forms.Definitions;
using EfaPlatform.ServiceDefaults;
using EfaPlatform.TestInfrastructure;
using Npgsql;

namespace EfaPlatform.Forms.Tests;

[Collection(InfrastructureCollection.Name)]
public sealed class DefinitionStoreTests(InfrastructureFixture infrastructure)
{
    private static string Manifest(int version, string title) => $$"""
        {
          "id": "testdienst", "version": {{version}}, "leikaKey": "99000000000001",
          "title": "{{title}}", "description": "Ein Dienst für Tests.", "trustLevel": "low",
          "fee": { "kind": "fixed", "amountCents": 1000 },
          "form": { "elements": [ { "id": "name", "type": "text", "label": "Name", "required": true } ] }
        }
        """;

    private async Task<(NpgsqlDataSource DataSource, DefinitionStore Store)> StoreAsync()
    {
        var dataSource = NpgsqlDataSource.Create(await infrastructure.CreateDatabaseAsync("forms"));
        await SqlMigrator.ApplyAsync(dataSource, SqlMigration.FromEmbeddedResources(typeof(DefinitionStore).Assembly, "Migrations"));
        return (dataSource, new DefinitionStore(dataSource));
    }

    private static OnlineServiceDefinition Read(string manifest) => ManifestReader.Read("test.json", manifest).Definition!;

    [Fact]
    public async Task A_published_version_cannot_be_changed_and_a_change_becomes_a_new_version()
    {
        var (dataSource, store) = await StoreAsync();
        await using var _ = dataSource;
        var v1 = Manifest(1, "Testdienst");

        Assert.True(await store.PublishAsync(Read(v1), v1, CancellationToken.None));
        Assert.False(await store.PublishAsync(Read(v1), v1, CancellationToken.None));
        var changed = Manifest(1, "Testdienst (geändert)");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.PublishAsync(Read(changed), changed, CancellationToken.None));
        Assert.Contains("version 2", error.Message, StringComparison.Ordinal);
        Assert.Equal("Testdienst", (await store.GetAsync("testdienst", 1, CancellationToken.None))!.Definition.Title.De);

        var v2 = Manifest(2, "Testdienst (geändert)");
        Assert.True(await store.PublishAsync(Read(v2), v2, CancellationToken.None));
        Assert.Equal(2, (await store.GetAsync("testdienst", 0, CancellationToken.None))!.Definition.Version);
        Assert.Equal("Testdienst", (await store.GetAsync("testdienst", 1, CancellationToken.None))!.Definition.Title.De);
        Assert.Single(await store.ListLatestAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_catalog_with_a_broken_manifest_publishes_nothing_and_names_every_problem()
    {
        var (dataSource, store) = await StoreAsync();
        await using var _ = dataSource;
        var folder = TestDirectories.Create("catalog");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "a-valid.json"), Manifest(1, "Gut"));
            await File.WriteAllTextAsync(Path.Combine(folder, "b-broken.json"), Manifest(1, "Kaputt").Replace("\"low\"", "\"medium\"").Replace("\"text\"", "\"txt\""));

            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => CatalogPublisher.PublishAsync(folder, store, CancellationToken.None));

            Assert.Contains("b-broken.json $.trustLevel", error.Message, StringComparison.Ordinal);
            Assert.Contains("b-broken.json $.form.elements[0].type", error.Message, StringComparison.Ordinal);
            Assert.Empty(await store.ListLatestAsync(CancellationToken.None));
        }
        finally
        {
            TestDirectories.Delete(folder);
        }
    }

    [Fact]
    public void Every_manifest_of_the_shipped_catalog_reads_without_problems()
    {
        var catalog = Path.Combine(AppContext.BaseDirectory, "Catalog");
        var files = Directory.GetFiles(catalog, "*.json");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            Assert.Empty(ManifestReader.Read(Path.GetFileName(file), File.ReadAllText(file)).Problems);
        }
    }
}
