namespace WebRtcBridge.Signaling.Hosting;

/// <summary>Configuration section <c>Bridge</c>.</summary>
public sealed class BridgeOptions
{
    public const string Section = "Bridge";

    /// <summary>Largest realtime message or HTTP body accepted, in bytes (default 16 MiB).</summary>
    public int MaxMessageBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Deepest nesting accepted in an input message.</summary>
    public int MaxDepth { get; set; } = 64;

    /// <summary>Concurrent WebRTC sessions; one more gets an error and a close.</summary>
    public int MaxSessions { get; set; } = 32;
}
