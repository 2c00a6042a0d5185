using EfaPlatform.Routing;
using EfaPlatform.ServiceDefaults.Kit;

var builder = WebApplication.CreateBuilder(args);
builder.AddEfaService(ServiceStores.Postgres);
builder.AddRoutingServices();

var app = builder.Build();
return await app.RunEfaServiceAsync(args, endpoints => endpoints.MapRoutingEndpoints());
