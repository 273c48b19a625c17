namespace WebRtcBridge.Signaling.Hosting;

/// <summary>Configuration section <c>Bridge</c>.</summary>
public sealed class BridgeOptions
{
    public const string Section = "Bridge";

    /// <summary>Largest realtime message or HTTP body accepted, in bytes (default 16 MiB).</summary>
    public int MaxMessageBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Deepest nesting accepted in an input message.</summary>
    public int MaxDepth { get; set; } = 64;

    /// <summary>Most values (array items, map keys and values) in one input message; more is BAD_REQUEST.</summary>
    public int MaxElements { get; set; } = WebRtcBridge.Protocol.MsgPack.MsgPackLimits.DefaultMaxElements;

    /// <summary>Most bytes a realtime session's queued inputs hold (default 32 MiB); the oldest are dropped and counted.</summary>
    public long MaxQueuedInputBytes { get; set; } = WebRtcBridge.MediaRunner.Realtime.RealtimeSession.DefaultMaxQueuedInputBytes;

    /// <summary>Concurrent WebRTC sessions; one more gets an error and close 1013.</summary>
    public int MaxSessions { get; set; } = 32;

    /// <summary>Largest signaling message on <c>/webrtc</c>; a larger one gets an error message (counted), the
    /// session goes on.</summary>
    public int MaxSignalingMessageBytes { get; set; } = 64 * 1024;

    /// <summary>Concurrent realtime WebSocket sessions, server-wide; one more gets <c>RATE_LIMITED</c> and close 1013.</summary>
    public int MaxRealtimeSessions { get; set; } = 256;

    /// <summary>HTTP requests in flight (WebSocket sessions not included); one more gets 429.</summary>
    public int MaxHttpRequests { get; set; } = 64;

    /// <summary>Concurrent WebSockets of one client (API key id or token subject, else remote IP); one more gets an
    /// error frame and close 1008.</summary>
    public int MaxSocketsPerClient { get; set; } = 16;

    /// <summary><c>POST /tokens</c> per client per minute; one more gets 429 with Retry-After.</summary>
    public int TokenRequestsPerMinute { get; set; } = 30;

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

    /// <summary>A <c>/webrtc</c> session without an accepted offer by then is ended (close 4001).</summary>
    public double OfferTimeoutSeconds { get; set; } = 10;

    public int StartBitrateKbps { get; set; } = 1000;
    public int MaxBitrateKbps { get; set; } = 2500;

    /// <summary>Largest incoming frame decoded (either orientation); larger keyframes are dropped before decoding.</summary>
    public int MaxFrameWidth { get; set; } = 1920;
    public int MaxFrameHeight { get; set; } = 1080;

    /// <summary>Incoming frame size changes accepted per minute; keyframes of a new size beyond it are dropped.</summary>
    public int MaxSizeChangesPerMinute { get; set; } = 10;
}
