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

    /// <summary>WebRTC media settings.</summary>
    public WebRtcOptions WebRtc { get; set; } = new();

    /// <summary>Admission of WebRTC sessions by measured load (<c>Bridge:Admission</c>).</summary>
    public MediaRunner.Overload.AdmissionOptions Admission { get; set; } = new();

    /// <summary>Per-session degradation under overload (<c>Bridge:Degradation</c>).</summary>
    public MediaRunner.Overload.DegradationOptions Degradation { get; set; } = new();
}

/// <summary>Configuration section <c>Bridge:WebRtc</c>.</summary>
public sealed class WebRtcOptions
{
    /// <summary>Addresses offered as ICE host candidates; empty: every up, non-loopback IPv4 address.</summary>
    public List<string> HostAddresses { get; set; } = [];

    /// <summary>A 1:1 NAT public address announced as an extra candidate.</summary>
    public string? AnnouncedAddress { get; set; }

    /// <summary>UDP port range for media sockets (0/0: ephemeral).</summary>
    public int MinPort { get; set; }
    public int MaxPort { get; set; }

    /// <summary>libvpx speed (cpu-used): -16..16, higher is faster; realtime default -6.</summary>
    public int EncoderSpeed { get; set; } = -6;

    public int StartBitrateKbps { get; set; } = 1000;
    public int MaxBitrateKbps { get; set; } = 2500;
}
