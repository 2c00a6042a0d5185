using EfaPlatform.Identity.Connect;
using EfaPlatform.Identity.Data;
using EfaPlatform.Identity.Keys;
using EfaPlatform.ServiceDefaults;
using EfaPlatform.ServiceDefaults.Auth;
using EfaPlatform.ServiceDefaults.Kit;
using EfaPlatform.ServiceDefaults.OpenApi;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenIddict.Server;

namespace EfaPlatform.Identity;

public static class Extensions
{
    public const string SignInScheme = "efa-sign-in";

    public static IHostApplicationBuilder AddIdentityServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<IdentityServiceOptions>()
            .Bind(builder.Configuration.GetSection(IdentityServiceOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var options = builder.Configuration.GetSection(IdentityServiceOptions.SectionName).Get<IdentityServiceOptions>() ?? new();

        var connectionString = builder.Configuration.GetConnectionString("postgres")
            ?? throw new InvalidOperationException("Connection string 'postgres' is missing: set ConnectionStrings__postgres.");
        builder.Services.AddDbContext<IdentityDb>(db => db.UseNpgsql(connectionString).UseOpenIddict());
        // The key ring protects TOTP secrets and sign-in cookies; it is kept in the database, encrypted with Identity:KeySecret.
        builder.Services.AddDataProtection().PersistKeysToDbContext<IdentityDb>().SetApplicationName("efa-identity").ProtectKeysWithKeySecret();

        builder.Services.AddOpenIddict()
            .AddCore(core => core.UseEntityFrameworkCore().UseDbContext<IdentityDb>())
            .AddServer(server =>
            {
                server.SetIssuer(new Uri(options.Issuer.EndsWith('/') ? options.Issuer : options.Issuer + "/"));
                server.SetAuthorizationEndpointUris("connect/authorize")
                    .SetTokenEndpointUris("connect/token")
                    .SetUserInfoEndpointUris("connect/userinfo")
                    .SetRevocationEndpointUris("connect/revoke")
                    .SetIntrospectionEndpointUris("connect/introspect")
                    .SetEndSessionEndpointUris("connect/logout");
                server.AllowClientCredentialsFlow()
                    .AllowAuthorizationCodeFlow()
                    .RequireProofKeyForCodeExchange()
                    .AllowRefreshTokenFlow();
                server.RegisterScopes([.. PlatformScopes.All]);
                server.SetAccessTokenLifetime(options.AccessTokenLifetime)
                    .SetRefreshTokenLifetime(options.RefreshTokenLifetime);
                // Services validate access tokens themselves, from the published keys: signed JWTs, not encrypted ones.
                server.DisableAccessTokenEncryption();
                var aspNetCore = server.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    .EnableStatusCodePagesIntegration();
                if (!options.RequireHttps)
                {
                    aspNetCore.DisableTransportSecurityRequirement();
                }
            })
            .AddValidation(validation =>
            {
                validation.UseLocalServer();
                validation.UseAspNetCore();
            });
        builder.Services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>, ProviderKeysSetup>();

        builder.Services.AddAuthentication()
            .AddCookie(Pages.Account.SignInSession.PendingTotpScheme, cookie =>
            {
                cookie.Cookie.Name = "efa.signin.pending";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.Cookie.SecurePolicy = options.RequireHttps ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
                cookie.ExpireTimeSpan = TimeSpan.FromMinutes(5);
            })
            .AddCookie(SignInScheme, cookie =>
            {
                cookie.LoginPath = "/account/login";
                cookie.Cookie.Name = "efa.signin";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.Cookie.SecurePolicy = options.RequireHttps ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
                cookie.ExpireTimeSpan = TimeSpan.FromMinutes(30);
                cookie.SlidingExpiration = false;
            });
        // A repeated registration, secret rotation or TOTP enrolment gets its secret again; Redis holds it only encrypted.
        builder.Services.Configure<IdempotencyOptions>(idempotency => idempotency
            .SecretResponse<Contracts.Identity.V1.ClientWithSecret>()
            .SecretResponse<Contracts.Identity.V1.TotpEnrollment>());
        builder.Services.AddMigrationStep("database schema, key ring and development data", Commands.MigrateAsync);
        builder.Services.AddServiceCommand(Commands.RotateSigningKey, Commands.RotateSigningKeyAsync);
        builder.Services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(encoders =>
            encoders.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        builder.Services.AddRazorPages();
        builder.Services.AddScoped<Accounts.PasswordSignIn>();
        builder.Services.AddSingleton<Accounts.Totp>();
        builder.Services.AddScoped<Accounts.DevelopmentEid>();
        builder.AddIdentityRateLimits();
        return builder;
    }

    public static WebApplication MapIdentityEndpoints(this WebApplication app)
    {
        app.UseRequestLocalization(localization => localization
            .SetDefaultCulture("de").AddSupportedCultures("de", "en").AddSupportedUICultures("de", "en"));
        app.UseStaticFiles();
        app.UseIdentityRateLimits();
        // Only the browser-facing OpenID Connect endpoints get an error page; APIs keep their own error bodies.
        app.UseStatusCodePagesWithReExecute("/account/error");
        app.Use((context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments("/connect/authorize") && !context.Request.Path.StartsWithSegments("/connect/logout")
                && context.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } statusCodePages)
            {
                statusCodePages.Enabled = false;
            }

            return next(context);
        });
        app.MapOpenIdConnectEndpoints();
        app.MapRazorPages();
        app.MapGrpcService<Tenants.TenantsService>();
        app.MapGrpcService<Tenants.StaffService>();
        app.MapGrpcService<Clients.ClientsService>();
        app.MapGrpcService<Profile.AccountsService>();
        app.MapGrpcService<Profile.ProfileService>();
        return app;
    }
}
