using EfaPlatform.Identity;
using EfaPlatform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddIdentityServices();

var app = builder.Build();
if (await app.TryRunAsync(args) is { } exitCode)
{
    return exitCode;
}

app.MapDefaultEndpoints();
app.UseRequestLocalization(localization => localization
    .SetDefaultCulture("de").AddSupportedCultures("de", "en").AddSupportedUICultures("de", "en"));
app.UseStaticFiles();
app.UseIdentityRateLimits();
app.MapIdentityEndpoints();
await app.RunAsync();
return 0;
