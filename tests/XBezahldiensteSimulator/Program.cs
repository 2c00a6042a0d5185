using EfaPlatform.XBezahldiensteSimulator;

// A payment platform speaking XBezahldienste (FITKO, API v1.0.0), for the payment service's adapter tests: transactions
// per originator and endpoint, the status model INITIAL → PAYED | CANCELED | FAILED, problem answers with the standard's
// error codes, and the failures a real platform has (slow answers, 5xx). State survives a restart (Simulator:StateFile).
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSingleton<Transactions>();
var app = builder.Build();
app.MapGet("/health", () => Results.Ok());
app.MapSimulatorEndpoints();
app.Run();
