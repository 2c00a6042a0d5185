using Confluent.Kafka;
using EfaPlatform.ServiceDefaults;
using Microsoft.Extensions.Configuration;

namespace EfaPlatform.Messaging.Tests;

public sealed class KafkaSettingsTests
{
    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(
            settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)).Append(new("ConnectionStrings:kafka", "broker-1:9093"))).Build();

    [Fact]
    public void Any_librdkafka_setting_under_Messaging_Kafka_reaches_every_client()
    {
        var kafka = KafkaConnection.FromConfiguration(Configuration(
            ("Messaging:Kafka:security.protocol", "SASL_SSL"), ("Messaging:Kafka:sasl.mechanism", "SCRAM-SHA-512"),
            ("Messaging:Kafka:sasl.username", "forms"), ("Messaging:Kafka:ssl.ca.location", "/etc/kafka/ca.pem")), "kafka");

        foreach (ClientConfig config in new ClientConfig[] { kafka.Apply(new ProducerConfig()), kafka.Apply(new ConsumerConfig()), kafka.Apply(new AdminClientConfig()) })
        {
            Assert.Equal("broker-1:9093", config.BootstrapServers);
            Assert.Equal("SASL_SSL", config.Get("security.protocol"));
            Assert.Equal("SCRAM-SHA-512", config.Get("sasl.mechanism"));
            Assert.Equal("/etc/kafka/ca.pem", config.Get("ssl.ca.location"));
        }
    }

    [Theory]
    [InlineData("enable.idempotence")]
    [InlineData("enable.auto.commit")]
    [InlineData("group.id")]
    public void Settings_the_delivery_guarantees_rest_on_are_refused_at_start(string key)
    {
        var error = Assert.Throws<InvalidOperationException>(() => KafkaConnection.FromConfiguration(Configuration(($"Messaging:Kafka:{key}", "x")), "kafka"));
        Assert.Contains($"Messaging:Kafka:{key}", error.Message, StringComparison.Ordinal);
    }
}
