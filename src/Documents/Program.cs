using EfaPlatform.Documents;
using EfaPlatform.ServiceDefaults.Kit;

var builder = WebApplication.CreateBuilder(args);
builder.AddEfaService(ServiceStores.Postgres);
builder.AddDocumentsServices();

var app = builder.Build();
return await app.RunEfaServiceAsync(args, endpoints => endpoints.MapDocumentsEndpoints());
