using EfaPlatform.Forms;
using EfaPlatform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddFormsServices();

var app = builder.Build();
if (await app.TryRunAsync(args) is { } exitCode)
{
    return exitCode;
}

app.MapDefaultEndpoints();
app.MapFormsEndpoints();
await app.RunAsync();
return 0;
