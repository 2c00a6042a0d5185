using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace EfaPlatform.KafkaDevCluster;

/// <summary>
/// librdkafka's in-memory mock cluster, reached through the native library that librdkafka.redist ships.
/// </summary>
internal sealed class NativeMockCluster : IDisposable
{
    private const string Library = "librdkafka";
    private readonly IntPtr _client;
    private readonly IntPtr _cluster;

    static NativeMockCluster() => NativeLibrary.SetDllImportResolver(typeof(NativeMockCluster).Assembly, Resolve);

    public NativeMockCluster(int brokerCount)
    {
        var conf = rd_kafka_conf_new();
        var error = new StringBuilder(512);
        SetConf(conf, "log_level", "3", error);
        // The handle only hosts the cluster; it never produces.
        _client = rd_kafka_new(0, conf, error, (UIntPtr)error.Capacity);
        if (_client == IntPtr.Zero)
        {
            throw new InvalidOperationException($"rd_kafka_new failed: {error}");
        }

        _cluster = rd_kafka_mock_cluster_new(_client, brokerCount);
        if (_cluster == IntPtr.Zero)
        {
            throw new InvalidOperationException("rd_kafka_mock_cluster_new failed.");
        }

        BrokerCount = brokerCount;
    }

    public int BrokerCount { get; }

    public string BootstrapServers => Marshal.PtrToStringUTF8(rd_kafka_mock_cluster_bootstraps(_cluster)) ?? "";

    public void CreateTopic(string topic, int partitions, int replicationFactor) =>
        Check(rd_kafka_mock_topic_create(_cluster, topic, partitions, replicationFactor), $"create topic {topic}");

    public void SetBrokerDown(int brokerId) => Check(rd_kafka_mock_broker_set_down(_cluster, brokerId), $"broker {brokerId} down");

    public void SetBrokerUp(int brokerId) => Check(rd_kafka_mock_broker_set_up(_cluster, brokerId), $"broker {brokerId} up");

    public void Dispose()
    {
        rd_kafka_mock_cluster_destroy(_cluster);
        rd_kafka_destroy(_client);
    }

    private static void SetConf(IntPtr conf, string name, string value, StringBuilder error)
    {
        if (rd_kafka_conf_set(conf, name, value, error, (UIntPtr)error.Capacity) != 0)
        {
            throw new InvalidOperationException($"rd_kafka_conf_set {name}: {error}");
        }
    }

    private static void Check(int errorCode, string what)
    {
        if (errorCode != 0)
        {
            var message = Marshal.PtrToStringUTF8(rd_kafka_err2str(errorCode));
            throw new InvalidOperationException($"{what} failed: {message} ({errorCode})");
        }
    }

    // Debian 12 cannot load the package's librdkafka.so (it needs libsasl2.so.3); Confluent.Kafka then
    // uses centos8-librdkafka.so from the same folder, and so must this process.
    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != Library)
        {
            return IntPtr.Zero;
        }

        var folder = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");
        foreach (var file in new[] { "librdkafka.so", "centos8-librdkafka.so" })
        {
            if (NativeLibrary.TryLoad(Path.Combine(folder, file), out var handle))
            {
                return handle;
            }
        }

        throw new DllNotFoundException($"No loadable librdkafka in {folder} (tried librdkafka.so, centos8-librdkafka.so).");
    }

    [DllImport(Library)] private static extern IntPtr rd_kafka_conf_new();
    [DllImport(Library)] private static extern int rd_kafka_conf_set(IntPtr conf, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, StringBuilder errstr, UIntPtr errstrSize);
    [DllImport(Library)] private static extern IntPtr rd_kafka_new(int type, IntPtr conf, StringBuilder errstr, UIntPtr errstrSize);
    [DllImport(Library)] private static extern void rd_kafka_destroy(IntPtr rk);
    [DllImport(Library)] private static extern IntPtr rd_kafka_err2str(int err);
    [DllImport(Library)] private static extern IntPtr rd_kafka_mock_cluster_new(IntPtr rk, int brokerCount);
    [DllImport(Library)] private static extern void rd_kafka_mock_cluster_destroy(IntPtr cluster);
    [DllImport(Library)] private static extern IntPtr rd_kafka_mock_cluster_bootstraps(IntPtr cluster);
    [DllImport(Library)] private static extern int rd_kafka_mock_topic_create(IntPtr cluster, [MarshalAs(UnmanagedType.LPUTF8Str)] string topic, int partitions, int replicationFactor);
    [DllImport(Library)] private static extern int rd_kafka_mock_broker_set_down(IntPtr cluster, int brokerId);
    [DllImport(Library)] private static extern int rd_kafka_mock_broker_set_up(IntPtr cluster, int brokerId);
}
