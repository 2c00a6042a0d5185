namespace EfaPlatform.Forms.Definitions;

/// <summary>
/// Publishes the manifests of a catalog folder (part of the migration step). Every problem of every manifest is
/// reported together, and nothing is published while any manifest has a problem.
/// </summary>
public static class CatalogPublisher
{
    public static async Task<IReadOnlyList<string>> PublishAsync(string folder, DefinitionStore store, CancellationToken cancellationToken)
    {
        var manifests = new List<(OnlineServiceDefinition Definition, string Text)>();
        var problems = new List<ManifestProblem>();
        foreach (var file in Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            var text = await File.ReadAllTextAsync(file, cancellationToken);
            var (definition, fileProblems) = ManifestReader.Read(Path.GetFileName(file), text);
            problems.AddRange(fileProblems);
            if (definition is not null)
            {
                manifests.Add((definition, text));
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"The catalog has {problems.Count} problem(s):{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
        }

        var published = new List<string>();
        foreach (var (definition, text) in manifests)
        {
            if (await store.PublishAsync(definition, text, cancellationToken))
            {
                published.Add($"{definition.Id} v{definition.Version}");
            }
        }

        return published;
    }
}
