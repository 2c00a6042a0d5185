using System.CommandLine;
using EfaPlatform.Bench;

var events = new Option<int>("--events") { DefaultValueFactory = _ => 20_000, Description = "Events to publish." };
var writers = new Option<int>("--writers") { DefaultValueFactory = _ => 8, Description = "Concurrent outbox writers." };
var items = new Option<int>("--keys") { DefaultValueFactory = _ => 100, Description = "Distinct aggregate ids (Kafka keys)." };
var rate = new Option<int>("--rate") { DefaultValueFactory = _ => 0, Description = "Offered events per second (0: as fast as the writers go)." };
var messaging = new Command("messaging", "Outbox write → Kafka → consumer effect: events/s and latency.") { events, writers, items, rate };
messaging.SetAction(parse => MessagingBenchmark.RunAsync(parse.GetValue(events), parse.GetValue(writers), parse.GetValue(items), parse.GetValue(rate)));

var concurrency = new Option<int>("--concurrency") { DefaultValueFactory = _ => 32, Description = "Concurrent clients." };
var seconds = new Option<int>("--seconds") { DefaultValueFactory = _ => 10, Description = "Measured seconds per target." };
var gateway = new Command("gateway", "REST requests/s and latency straight to a backend and through the gateway.") { concurrency, seconds };
gateway.SetAction(parse => GatewayBenchmark.RunAsync(parse.GetValue(concurrency), TimeSpan.FromSeconds(parse.GetValue(seconds))));

var tokenConcurrency = new Option<int>("--concurrency") { DefaultValueFactory = _ => 16, Description = "Concurrent clients." };
var tokenSeconds = new Option<int>("--seconds") { DefaultValueFactory = _ => 10, Description = "Measured seconds." };
var tokens = new Command("tokens", "Client credentials tokens per second through the gateway, whole platform running.") { tokenConcurrency, tokenSeconds };
tokens.SetAction(parse => TokenBenchmark.RunAsync(parse.GetValue(tokenConcurrency), TimeSpan.FromSeconds(parse.GetValue(tokenSeconds))));

var submitConcurrency = new Option<int>("--concurrency") { DefaultValueFactory = _ => 16, Description = "Concurrent clients." };
var submitSeconds = new Option<int>("--seconds") { DefaultValueFactory = _ => 10, Description = "Measured seconds per call." };
var submissions = new Command("submissions", "Submissions/s and validations/s of a 10-person form through the gateway, whole platform running.") { submitConcurrency, submitSeconds };
submissions.SetAction(parse => SubmissionsBenchmark.RunAsync(parse.GetValue(submitConcurrency), TimeSpan.FromSeconds(parse.GetValue(submitSeconds))));

var iterations = new Option<int>("--iterations") { DefaultValueFactory = _ => 20_000, Description = "Checks per form size." };
var validation = new Command("validation", "Time and allocation of one check of the residence registration form, in process.") { iterations };
validation.SetAction(parse => ValidationBenchmark.Run(parse.GetValue(iterations)));

var proxyConnections = new Option<int>("--connections") { DefaultValueFactory = _ => 32, Description = "Open connections of the load generator." };
var proxySeconds = new Option<int>("--seconds") { DefaultValueFactory = _ => 10, Description = "Measured seconds per target." };
var proxyVariants = new Option<string[]>("--variant") { DefaultValueFactory = _ => [], Description = "KEY=VALUE,… environment of a further gateway to measure beside (repeatable)." };
var proxies = new Command("proxies", "The gateway against nginx proxying the same backends (discovery document, catalog list), whole platform running.") { proxyConnections, proxySeconds, proxyVariants };
proxies.SetAction(parse => ProxyBenchmark.RunAsync(parse.GetValue(proxyConnections), TimeSpan.FromSeconds(parse.GetValue(proxySeconds)), parse.GetValue(proxyVariants) ?? []));

var citizens = new Option<int>("--citizens") { DefaultValueFactory = _ => 100, Description = "Citizens signing in at once." };
var rounds = new Option<int>("--rounds") { DefaultValueFactory = _ => 3, Description = "How many times they all sign in." };
var signIns = new Command("sign-in", "The authorization code flow with PKCE and the development eID, many citizens at once, step by step.") { citizens, rounds };
signIns.SetAction(parse => SignInBenchmark.RunAsync(parse.GetValue(citizens), parse.GetValue(rounds)));

var megabytes = new Option<int>("--megabytes") { DefaultValueFactory = _ => 1000, Description = "Size of each file transferred, in MiB." };
var documents = new Command("documents", "Upload and download MiB/s straight to documents and through the gateway (HTTP, gRPC) beside dd, and peak memory.") { megabytes };
documents.SetAction(parse => DocumentsBenchmark.RunAsync(parse.GetValue(megabytes)));

var paymentConcurrency = new Option<int>("--concurrency") { DefaultValueFactory = _ => 16, Description = "Concurrent clients." };
var paymentSeconds = new Option<int>("--seconds") { DefaultValueFactory = _ => 10, Description = "Measured seconds per call." };
var paymentConfirmations = new Option<int>("--confirmations") { DefaultValueFactory = _ => 50, Description = "Submissions paid one after another for the confirmation-to-paid time." };
var payments = new Command("payments", "Payments created/s, callbacks handled/s through the gateway, and confirmation → submission paid, whole platform running.")
{
    paymentConcurrency, paymentSeconds, paymentConfirmations,
};
payments.SetAction(parse => PaymentsBenchmark.RunAsync(parse.GetValue(paymentConcurrency), TimeSpan.FromSeconds(parse.GetValue(paymentSeconds)), parse.GetValue(paymentConfirmations)));

var routingSubmissions = new Option<int>("--submissions") { DefaultValueFactory = _ => 1_000, Description = "Registrations submitted and delivered to the push receiver." };
var routingConcurrency = new Option<int>("--concurrency") { DefaultValueFactory = _ => 16, Description = "Concurrent clients." };
var routingSeconds = new Option<int>("--seconds") { DefaultValueFactory = _ => 10, Description = "Measured seconds per lookup run." };
var routing = new Command("routing", "Deliveries/s and submit → delivered to the push receiver, and lookups/s in a directory of 10,000 units, whole platform running.")
{
    routingSubmissions, routingConcurrency, routingSeconds,
};
routing.SetAction(parse => RoutingBenchmark.RunAsync(parse.GetValue(routingSubmissions), parse.GetValue(routingConcurrency), TimeSpan.FromSeconds(parse.GetValue(routingSeconds))));

var root = new RootCommand("EfaPlatform benchmarks (measurements, not tests). Results go to bench/README.md.") { messaging, gateway, proxies, tokens, signIns, submissions, validation, documents, payments, routing };
return await root.Parse(args).InvokeAsync();
