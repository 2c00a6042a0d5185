using EfaPlatform.PushReceiver;

// A specialist system's webhook for development and tests: takes routing's push deliveries, checks their signature
// (HMAC-SHA512 over "{callback-timestamp}.{body}") and timestamp, keeps each delivery once by its delivery id (a
// repeat is answered with the first receipt) and lists what it took. State survives a restart (Receiver:StateDirectory).
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddOptions<ReceiverOptions>().Bind(builder.Configuration.GetSection(ReceiverOptions.SectionName));
builder.Services.AddSingleton<ReceivedDeliveries>();
builder.Services.AddSingleton<Faults>();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 512L * 1024 * 1024);
var app = builder.Build();
app.MapGet("/health", () => Results.Ok());
app.MapReceiverEndpoints();
app.Run();
