namespace EfaPlatform.KafkaDevCluster;

/// <summary>
/// Line commands on standard input for fault tests. Every command is answered with one line starting with
/// "ok" or "error". End of input ends the process, so the cluster never outlives the program that started it.
/// </summary>
internal sealed class ControlConsole(NativeMockCluster cluster, TextReader input, TextWriter output)
{
    public const string Help = "commands: broker-down <id> | broker-up <id> | all-down | all-up | create-topic <name> <partitions> | bootstrap";

    public async Task RunAsync(CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested)
        {
            string? line;
            try
            {
                line = await input.ReadLineAsync(cancellation);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (line is null)
            {
                return;
            }

            if (line.Trim().Length == 0)
            {
                continue;
            }

            await output.WriteLineAsync(Execute(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
            await output.FlushAsync(cancellation);
        }
    }

    private string Execute(string[] words)
    {
        try
        {
            switch (words)
            {
                case ["broker-down", var id]:
                    cluster.SetBrokerDown(int.Parse(id, System.Globalization.CultureInfo.InvariantCulture));
                    return $"ok broker {id} down";
                case ["broker-up", var id]:
                    cluster.SetBrokerUp(int.Parse(id, System.Globalization.CultureInfo.InvariantCulture));
                    return $"ok broker {id} up";
                case ["all-down"]:
                    ForEachBroker(cluster.SetBrokerDown);
                    return "ok all brokers down";
                case ["all-up"]:
                    ForEachBroker(cluster.SetBrokerUp);
                    return "ok all brokers up";
                case ["create-topic", var name, var partitions]:
                    cluster.CreateTopic(name, int.Parse(partitions, System.Globalization.CultureInfo.InvariantCulture), Math.Min(3, cluster.BrokerCount));
                    return $"ok topic {name}";
                case ["bootstrap"]:
                    return $"ok {cluster.BootstrapServers}";
                default:
                    return $"error unknown command; {Help}";
            }
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            return $"error {e.Message}";
        }
    }

    private void ForEachBroker(Action<int> action)
    {
        for (var id = 1; id <= cluster.BrokerCount; id++)
        {
            action(id);
        }
    }
}
