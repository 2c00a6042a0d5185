using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using EfaPlatform.AppHost.Hosting;
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

    public static async Task RunAsync(int connections, TimeSpan duration)
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
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var nginxUrl = $"http://127.0.0.1:{nginxPort}";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"proxies: wrk, 1 thread, {connections} connections, {duration.TotalSeconds:0} s per target after a 3 s warm-up"));
            foreach (var (label, path, gzip) in new[] { ("discovery", Discovery, false), ("catalog", Catalog, false), ("catalog gzip", Catalog, true) })
            {
                var backend = path == Discovery ? identity : forms;
                foreach (var (proxy, url) in new[] { ("backend direct", backend), ("nginx", nginxUrl), ("gateway", gateway) })
                {
                    await RunWrkAsync(url + path, connections, TimeSpan.FromSeconds(3), gzip);
                    var result = await RunWrkAsync(url + path, connections, duration, gzip);
                    Console.WriteLine($"  {label,-13} {proxy,-15} {result}");
                }
            }
        }
        finally
        {
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

    private static async Task<string> RunWrkAsync(string url, int connections, TimeSpan duration, bool gzip)
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
        return $"{RequestsPerSecond().Match(output).Groups[1].Value,10} requests/s, p50 {Quantile(output, "50")}, p99 {Quantile(output, "99")}, " +
               $"{Transfer().Match(output).Groups[1].Value}/s{failures}";
    }

    private static string Quantile(string output, string percent)
    {
        var pattern = @"^\s+" + percent + @"%\s+(\S+)";
        return Regex.Match(output, pattern, RegexOptions.Multiline).Groups[1].Value;
    }

    [GeneratedRegex(@"Requests/sec:\s+(\S+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"Transfer/sec:\s+(\S+)")]
    private static partial Regex Transfer();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccess();
}
