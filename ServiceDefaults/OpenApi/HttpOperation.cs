using Microsoft.AspNetCore.Builder;

namespace EfaPlatform.ServiceDefaults.OpenApi;

/// <summary>
/// The OpenAPI description of an endpoint that is not a transcoded gRPC method (file bodies, tus): what
/// <see cref="RestApiDocument"/> cannot read from a proto descriptor. Path parameters and who may call come from the
/// endpoint itself; every operation also documents the problem answer.
/// </summary>
public sealed record HttpOperation(string Summary, string Description)
{
    /// <summary>Header and query parameters.</summary>
    public IReadOnlyList<HttpParameter> Parameters { get; init; } = [];

    /// <summary>The media types the body may have; none for an operation without a body.</summary>
    public IReadOnlyList<string> BodyMediaTypes { get; init; } = [];

    public IReadOnlyList<HttpAnswer> Answers { get; init; } = [];
}

/// <param name="In">"header" or "query".</param>
public sealed record HttpParameter(string Name, string In, string Description, bool Required = false);

/// <param name="MediaType">The answer's body; null for an answer without one (its headers are in the description).</param>
public sealed record HttpAnswer(int Status, string Description, string? MediaType = null);

public static class HttpOperationExtensions
{
    public static TBuilder WithHttpOperation<TBuilder>(this TBuilder builder, HttpOperation operation) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(operation);
}
