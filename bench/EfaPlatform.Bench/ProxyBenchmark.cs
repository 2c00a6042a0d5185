using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using EfaPlatform.AppHost.Hosting;
using EfaPlatform.AppHost.Resources;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Bench;

/// <summary>
/// The gateway against nginx in front of the same backends, in one run: the whole platform started through the
/// AppHost, nginx (Debian package) proxying identity and forms with upstream keep-alive, and wrk (Debian package) as
/// the load generator, each target for the same time with the same connections. Small JSON: the discovery document;
/// large JSON: the public catalog list, plain and gzip-compressed.
/// </summary>
internal static partial class ProxyBenchmark
{
    private const string Discovery = "/.well-known/openid-configuration";
    private const string Catalog = "/api/forms/v1/services";

    /// <param name="variants">Each a list of KEY=VALUE environment settings, comma-separated: a further gateway process
    /// is started with them in front of the same backends and measured as one more target (to find where time goes).</param>
    public static async Task RunAsync(int connections, TimeSpan duration, string[] variants)
    {
        foreach (var tool in new[] { "/usr/sbin/nginx", "/usr/bin/wrk" })
        {
            if (!File.Exists(tool))
            {
                throw new InvalidOperationException($"{tool} is missing: apt-get install nginx-light wrk");
            }
        }

        await using var platform = await PlatformProcess.StartAsync(["--Logging:LogLevel:Default=Warning"]);
        var gateway = await platform.EndpointAsync("gateway", "http");
        var identity = await platform.EndpointAsync("identity", "http");
        var forms = await platform.EndpointAsync("forms", "http");
        var nginxPort = Ports.FindFree();
        var folder = Directory.CreateTempSubdirectory("efa-bench-nginx").FullName;
        var nginx = StartNginx(folder, nginxPort, new Uri(identity), new Uri(forms));
        var variantGateways = new List<(string Label, ProjectResource Gateway)>();
        try
        {
            foreach (var variant in variants)
            {
                var process = new ProjectResource("gateway-variant", "src/Gateway/EfaPlatform.Gateway.csproj").WithHttpEndpoint()
                    .WithEnvironment("services__identity__http__0", identity)
                    .WithEnvironment("services__forms__http__0", forms)
                    .WithEnvironment("Authentication__Authority", gateway)
                    .WithEnvironment("Authentication__RequireHttpsMetadata", "false")
                    .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Production");
                foreach (var setting in variant.Split(',', StringSplitOptions.RemoveEmptyEntries))
                {
                    var (key, value) = (setting[..setting.IndexOf('=', StringComparison.Ordinal)], setting[(setting.IndexOf('=', StringComparison.Ordinal) + 1)..]);
                    process.WithEnvironment(key, value);
                }

                await process.StartAsync(CancellationToken.None);
                variantGateways.Add((variant, process));
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
            var nginxUrl = $"http://127.0.0.1:{nginxPort}";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"proxies: wrk, 1 thread, {connections} connections, {duration.TotalSeconds:0} s per target after a 10 s warm-up"));
            foreach (var (label, path, gzip) in new[] { ("discovery", Discovery, false), ("catalog", Catalog, false), ("catalog gzip", Catalog, true) })
            {
                var backend = path == Discovery ? identity : forms;
                var backendProcess = await ProcessIdAsync(platform, path == Discovery ? "identity" : "forms");
                var gatewayProcess = await ProcessIdAsync(platform, "gateway");
                foreach (var (proxy, url, proxyProcess) in new[] { ("backend direct", backend, 0), ("nginx", nginxUrl, nginx.Id), ("gateway", gateway, gatewayProcess) }
                             .Concat(variantGateways.Select(v => ($"gateway {v.Label}", v.Gateway.HttpUrl, v.Gateway.ProcessId ?? 0))))
                {
                    await RunWrkAsync(url + path, connections, TimeSpan.FromSeconds(10), gzip);
                    var (proxyBefore, backendBefore) = (CpuTime.OfTree(proxyProcess), CpuTime.OfTree(backendProcess));
                    var (result, requests) = await RunWrkAsync(url + path, connections, duration, gzip);
                    var proxyCpu = proxyProcess == 0 ? "" : $", proxy {CpuTime.PerRequest(CpuTime.OfTree(proxyProcess) - proxyBefore, requests)}";
                    Console.WriteLine($"  {label,-13} {proxy,-16} {result}, CPU per request: backend {CpuTime.PerRequest(CpuTime.OfTree(backendProcess) - backendBefore, requests)}{proxyCpu}");
                }
            }
        }
        finally
        {
            foreach (var (_, variantGateway) in variantGateways)
            {
                await variantGateway.StopAsync();
            }

            nginx.Kill(entireProcessTree: true);
            await nginx.WaitForExitAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static Process StartNginx(string folder, int port, Uri identity, Uri forms)
    {
        var config = Path.Combine(folder, "nginx.conf");
        File.WriteAllText(config, $$"""
            worker_processes auto;
            daemon off;
            pid {{folder}}/nginx.pid;
            error_log {{folder}}/error.log warn;
            events { worker_connections 4096; }
            http {
              access_log off;
              client_body_temp_path {{folder}}/body;
              proxy_temp_path {{folder}}/proxy;
              fastcgi_temp_path {{folder}}/fastcgi;
              uwsgi_temp_path {{folder}}/uwsgi;
              scgi_temp_path {{folder}}/scgi;
              gzip on;
              gzip_types application/json application/problem+json;
              gzip_min_length 1024;
              upstream identity { server {{identity.Authority}}; keepalive 64; }
              upstream forms { server {{forms.Authority}}; keepalive 64; }
              server {
                listen 127.0.0.1:{{port}};
                proxy_http_version 1.1;
                proxy_set_header Connection "";
                proxy_set_header Host $host;
                proxy_set_header X-Forwarded-For $remote_addr;
                proxy_set_header X-Forwarded-Proto $scheme;
                location /.well-known/ { proxy_pass http://identity; }
                location /api/forms/ { proxy_pass http://forms; }
              }
            }
            """);
        return Process.Start(new ProcessStartInfo("/usr/sbin/nginx", ["-c", config, "-p", folder]) { RedirectStandardError = false })
            ?? throw new InvalidOperationException("nginx did not start.");
    }

    private static async Task<int> ProcessIdAsync(PlatformProcess platform, string resource) =>
        (await platform.ResourceAsync(resource)).GetProperty("processId").GetInt32();

    private static async Task<(string Summary, long Requests)> RunWrkAsync(string url, int connections, TimeSpan duration, bool gzip)
    {
        List<string> arguments = ["-t1", $"-c{connections}", $"-d{(int)duration.TotalSeconds}s", "--latency"];
        if (gzip)
        {
            arguments.AddRange(["-H", "Accept-Encoding: gzip"]);
        }

        arguments.Add(url);
        using var wrk = Process.Start(new ProcessStartInfo("/usr/bin/wrk", arguments) { RedirectStandardOutput = true })!;
        var output = await wrk.StandardOutput.ReadToEndAsync();
        await wrk.WaitForExitAsync();
        var errors = NonSuccess().Match(output);
        var failures = errors.Success ? $", {errors.Groups[1].Value} non-2xx" : "";
        var requests = long.Parse(Completed().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        return ($"{RequestsPerSecond().Match(output).Groups[1].Value,10} requests/s, p50 {Quantile(output, "50")}, p99 {Quantile(output, "99")}{failures}", requests);
    }

    private static string Quantile(string output, string percent)
    {
        var pattern = @"^\s+" + percent + @"%\s+(\S+)";
        return Regex.Match(output, pattern, RegexOptions.Multiline).Groups[1].Value;
    }

    [GeneratedRegex(@"Requests/sec:\s+(\S+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"(\d+) requests in ")]
    private static partial Regex Completed();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccess();
}
