using EfaPlatform.ServiceDefaults;
using System.Security.Cryptography;
using System.Text.Json;
using EfaPlatform.Contracts.Identity.V1;
using EfaPlatform.Identity.Connect;
using EfaPlatform.Identity.Data;
using EfaPlatform.Identity.Tenants;
using EfaPlatform.Identity.Validation;
using EfaPlatform.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace EfaPlatform.Identity.Clients;

/// <summary>
/// A tenant's machine clients: OpenIddict applications with the client credentials grant, tagged with the tenant.
/// Answers with a secret are cached by the idempotency convention only encrypted (see Extensions).
/// </summary>
[Authorize(Policy = EfaPolicies.TenantAdministration)]
public sealed class ClientsService(IdentityDb db, IOpenIddictApplicationManager applications) : Contracts.Identity.V1.ClientsService.ClientsServiceBase
{
    public override async Task<ClientWithSecret> RegisterClient(RegisterClientRequest request, ServerCallContext context)
    {
        var tenant = await db.AdministeredTenantAsync(context, request.TenantId);
        var errors = new FieldErrors().Require("display_name", request.DisplayName, 200);
        var unknown = request.Scopes.Except(PlatformScopes.Apis).ToList();
        if (request.Scopes.Count == 0 || unknown.Count > 0)
        {
            errors.Add("scopes", $"must name one or more of: {string.Join(", ", PlatformScopes.Apis)}");
        }

        errors.ThrowIfAny();
        var secret = NewSecret();
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = $"{tenant.Slug}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant()}",
            ClientSecret = secret,
            ClientType = ClientTypes.Confidential,
            DisplayName = request.DisplayName.Trim(),
            Permissions = { Permissions.Endpoints.Token, Permissions.Endpoints.Revocation, Permissions.Endpoints.Introspection, Permissions.GrantTypes.ClientCredentials },
        };
        foreach (var scope in request.Scopes.Distinct())
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }

        descriptor.Properties[ConnectEndpoints.TenantProperty] = JsonSerializer.SerializeToElement(tenant.Id.ToString());
        descriptor.Properties[ConnectEndpoints.RolesProperty] = JsonSerializer.SerializeToElement(new[] { EfaClaims.MachineClient });
        descriptor.Properties[ConnectEndpoints.ActiveProperty] = JsonSerializer.SerializeToElement(true);
        var application = await applications.CreateAsync(descriptor, context.CancellationToken);
        return new ClientWithSecret { Client = await ToProtoAsync(application, context.CancellationToken), ClientSecret = secret };
    }

    public override async Task<ListClientsResponse> ListClients(ListClientsRequest request, ServerCallContext context)
    {
        var tenant = await db.AdministeredTenantAsync(context, request.TenantId);
        var filter = $"clients|{tenant.Id}";
        var errors = new FieldErrors();
        var (pageSize, after) = Paging.Read(request.PageSize, request.PageToken, filter, errors);
        errors.ThrowIfAny();
        var (page, next) = Paging.Page(await db.ClientsOfTenant(tenant.Id, after, pageSize + 1).ToListAsync(context.CancellationToken),
            pageSize, filter, application => application.ClientId ?? "");
        var response = new ListClientsResponse { NextPageToken = next };
        foreach (var application in page)
        {
            response.Clients.Add(await ToProtoAsync(application, context.CancellationToken));
        }

        return response;
    }

    public override async Task<ClientWithSecret> RotateClientSecret(RotateClientSecretRequest request, ServerCallContext context)
    {
        var (application, descriptor) = await OwnedClientAsync(request.TenantId, request.ClientId, context);
        var secret = NewSecret();
        descriptor.ClientSecret = secret;
        await applications.UpdateAsync(application, descriptor, context.CancellationToken);
        return new ClientWithSecret { Client = await ToProtoAsync(application, context.CancellationToken), ClientSecret = secret };
    }

    public override async Task<Client> RevokeClient(RevokeClientRequest request, ServerCallContext context)
    {
        var (application, descriptor) = await OwnedClientAsync(request.TenantId, request.ClientId, context);
        descriptor.Properties[ConnectEndpoints.ActiveProperty] = JsonSerializer.SerializeToElement(false);
        // A revoked client cannot authenticate any more either: its secret is replaced by one nobody knows.
        descriptor.ClientSecret = NewSecret();
        await applications.UpdateAsync(application, descriptor, context.CancellationToken);
        return await ToProtoAsync(application, context.CancellationToken);
    }

    private async Task<(object Application, OpenIddictApplicationDescriptor Descriptor)> OwnedClientAsync(string tenantId, string clientId, ServerCallContext context)
    {
        var tenant = await db.AdministeredTenantAsync(context, tenantId);
        var application = await applications.FindByClientIdAsync(clientId, context.CancellationToken);
        if (application is null || (await ToProtoAsync(application, context.CancellationToken)).TenantId != tenant.Id.ToString())
        {
            throw FieldErrors.NotFound("The client");
        }

        var descriptor = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(descriptor, application, context.CancellationToken);
        return (application, descriptor);
    }

    private async Task<Client> ToProtoAsync(object application, CancellationToken cancellationToken)
    {
        var properties = await applications.GetPropertiesAsync(application, cancellationToken);
        var client = new Client
        {
            ClientId = await applications.GetClientIdAsync(application, cancellationToken) ?? "",
            DisplayName = await applications.GetDisplayNameAsync(application, cancellationToken) ?? "",
            TenantId = properties.TryGetValue(ConnectEndpoints.TenantProperty, out var tenant) ? tenant.GetString() ?? "" : "",
            Active = ConnectEndpoints.IsActive(properties),
        };
        client.Scopes.AddRange((await applications.GetPermissionsAsync(application, cancellationToken))
            .Where(p => p.StartsWith(Permissions.Prefixes.Scope, StringComparison.Ordinal))
            .Select(p => p[Permissions.Prefixes.Scope.Length..]));
        return client;
    }

    private static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
