using EfaPlatform.Payment;
using EfaPlatform.ServiceDefaults.Kit;

var builder = WebApplication.CreateBuilder(args);
builder.AddEfaService(ServiceStores.Postgres);
builder.AddPaymentServices();

var app = builder.Build();
return await app.RunEfaServiceAsync(args, endpoints => endpoints.MapPaymentEndpoints());
