using EfaPlatform.Forms;
using EfaPlatform.ServiceDefaults.Kit;

var builder = WebApplication.CreateBuilder(args);
builder.AddEfaService(ServiceStores.Postgres);
builder.AddFormsServices();

var app = builder.Build();
return await app.RunEfaServiceAsync(args, endpoints => endpoints.MapFormsEndpoints());
