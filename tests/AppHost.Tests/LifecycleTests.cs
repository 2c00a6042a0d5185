using System.Net;
using System.Net.Sockets;
using EfaPlatform.AppHost.Hosting;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.AppHost.Tests;

/// <summary>Tests that start and stop AppHosts of their own.</summary>
public sealed class LifecycleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Ctrl_C_stops_every_child_and_the_next_start_on_the_same_data_succeeds()
    {
        var dataDirectory = TestDirectories.Create("lifecycle");
        try
        {
            List<int> children;
            await using (var first = await PlatformProcess.StartAsync(dataDirectory: dataDirectory))
            {
                children = (await first.ResourcesAsync()).Select(r => r.GetProperty("processId").GetInt32()).ToList();
                Assert.Equal(11, children.Count); // postgres, redis, kafka, clamav, identity, documents, forms, payment, routing, push-receiver, gateway
                Assert.All(children, pid => Assert.True(ChildProcess.IsAlive(pid)));

                var exitCode = await first.InterruptAsync(TimeSpan.FromSeconds(30));
                output.WriteLine(first.OutputText);
                Assert.Equal(0, exitCode);
                Assert.Contains("Stopped.", first.OutputText, StringComparison.Ordinal);
            }

            Assert.All(children, pid => Assert.False(ChildProcess.IsAlive(pid), $"process {pid} outlived the AppHost"));

            await using var second = await PlatformProcess.StartAsync(dataDirectory: dataDirectory);
            Assert.All(await second.ResourcesAsync(), r => Assert.Equal("running", r.GetProperty("state").GetString()));
        }
        finally
        {
            TestDirectories.Delete(dataDirectory);
        }
    }

    [Fact]
    public async Task Children_left_by_a_killed_AppHost_are_ended_by_the_next_start()
    {
        var dataDirectory = TestDirectories.Create("killed");
        try
        {
            List<int> orphans;
            await using (var killed = await PlatformProcess.StartAsync(dataDirectory: dataDirectory))
            {
                orphans = (await killed.ResourcesAsync()).Select(r => r.GetProperty("processId").GetInt32()).ToList();
                killed.Process.Signal(ChildProcess.SigKill);
                await killed.Process.Exited.WaitAsync(TimeSpan.FromSeconds(10));
            }

            await using var next = await PlatformProcess.StartAsync(dataDirectory: dataDirectory);
            output.WriteLine(next.OutputText);

            Assert.All(orphans, pid => Assert.False(ChildProcess.IsAlive(pid), $"process {pid} of the killed AppHost still runs"));
            Assert.All(await next.ResourcesAsync(), r => Assert.Equal("running", r.GetProperty("state").GetString()));
        }
        finally
        {
            TestDirectories.Delete(dataDirectory);
        }
    }

    [Fact]
    public async Task A_port_already_in_use_fails_fast_with_what_to_do()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;

        await using var platform = await PlatformProcess.StartAsync([$"--gateway:HttpPort={port}"], expectRunning: false);
        var exitCode = await platform.Process.Exited.WaitAsync(TimeSpan.FromMinutes(2));
        output.WriteLine(platform.OutputText);

        Assert.Equal(1, exitCode);
        Assert.Contains($"Port {port} for gateway (http) is already in use", platform.OutputText, StringComparison.Ordinal);
        Assert.Contains($"--gateway:HttpPort=<port>", platform.OutputText, StringComparison.Ordinal);
    }
}
