using EfaPlatform.Identity;
using EfaPlatform.ServiceDefaults.Kit;

var builder = WebApplication.CreateBuilder(args);
builder.AddEfaService(ServiceStores.Postgres);
builder.AddIdentityServices();

var app = builder.Build();
return await app.RunEfaServiceAsync(args, endpoints => endpoints.MapIdentityEndpoints());
