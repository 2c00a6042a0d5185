using System.Net;
using EfaPlatform.AppHost.Hosting;
using EfaPlatform.TestInfrastructure;

namespace EfaPlatform.Payment.Tests;

/// <summary>kill -9 of payment after it took the provider's confirmation and before the event went out: exactly one payment.succeeded after the restart.</summary>
[Collection(PaymentServiceCollection.Name)]
public sealed class CrashTests(PaymentServiceFixture fixture) : IAsyncLifetime
{
    private readonly PaymentsApi _api = new(fixture);

    public async Task InitializeAsync() => await _api.SetUpAsync();

    public Task DisposeAsync()
    {
        _api.Dispose();
        return Task.CompletedTask;
    }

    private async Task RelaunchedAsync(int restartsBefore) =>
        await Eventually.WaitAsync(() => Task.FromResult(fixture.Service.RestartCount > restartsBefore && fixture.Service.State == ResourceState.Running),
            TimeSpan.FromSeconds(90), "payment runs again");

    [Fact]
    public async Task A_confirmation_taken_before_a_kill_is_announced_exactly_once_after_the_restart()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await _api.CreatePaymentAsync(1000 + i)).GetProperty("paymentId").GetString()!);
        }

        // The outbox relay held back: every confirmation is committed with its event, none of the events is out yet.
        var restarts = fixture.Service.RestartCount;
        fixture.Service.WithEnvironment("Messaging__RelayEnabled", "false");
        fixture.Service.Restart();
        await RelaunchedAsync(restarts);
        var eventIds = ids.ToDictionary(id => id, _ => Guid.NewGuid().ToString());
        foreach (var id in ids)
        {
            Assert.Equal(HttpStatusCode.OK, (await _api.CallbackAsync(id, "succeeded", eventIds[id])).Status);
        }

        Assert.Empty(await KafkaProbe.EventsWithKeyAsync(fixture.KafkaBootstrapServers, "efa.payment", ids[0], TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)));

        restarts = fixture.Service.RestartCount;
        fixture.Service.WithEnvironment("Messaging__RelayEnabled", "true");
        ChildProcess.SignalProcess(fixture.Service.ProcessId!.Value, ChildProcess.SigKill);
        await RelaunchedAsync(restarts);
        // The provider, never sure its callbacks arrived, sends them all again.
        foreach (var id in ids)
        {
            var (status, again) = await _api.CallbackAsync(id, "succeeded", eventIds[id]);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.StartsWith("duplicate", again.GetProperty("outcome").GetString());
        }

        foreach (var id in ids)
        {
            Assert.Equal("succeeded", (await _api.PaymentAsync(id)).GetProperty("state").GetString());
            var events = await KafkaProbe.EventsWithKeyAsync(fixture.KafkaBootstrapServers, "efa.payment", id, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30));
            Assert.Equal(["de.efa.payment.payment.succeeded.v1"], events.Select(e => e.Type));
        }
    }
}
