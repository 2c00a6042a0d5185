namespace EfaPlatform.PushReceiver;

public sealed class ReceiverOptions
{
    public const string SectionName = "Receiver";

    /// <summary>The callback secrets a delivery may be signed with (the destination's, and one before a rotation).</summary>
    public List<string> Secrets { get; set; } = [];

    /// <summary>Where received deliveries are kept; a restart finds them there.</summary>
    public string StateDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "efa-push-receiver");

    /// <summary>How far a callback-timestamp may be from the receiver's clock.</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Whether tests may make it fail, hang or drop connections (POST /control/faults).</summary>
    public bool FaultsEnabled { get; set; }
}
