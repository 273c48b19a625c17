namespace WebRtcBridge.MediaRunner.FrameAdapters.Remote;

/// <summary>
/// One remote realtime app, configuration section <c>Apps:Remote:N</c>: an app served elsewhere (fal's hosted
/// realtime apps, or any server speaking fal's realtime protocol, including another WebRtcBridge) served here as
/// <see cref="Id"/> over <c>/webrtc</c>, <c>/realtime</c> and HTTP <c>POST</c>.
/// </summary>
public sealed class RemoteAppOptions
{
    public const string Section = "Apps:Remote";

    /// <summary><c>owner/alias</c> served here.</summary>
    public string Id { get; set; } = "";

    /// <summary>The upstream realtime URL, e.g. <c>wss://fal.run/owner/app/realtime</c>.</summary>
    public string Url { get; set; } = "";

    /// <summary><c>id:secret</c>; empty: the <c>FAL_KEY</c> environment variable; neither: no credentials.</summary>
    public string? Key { get; set; }

    /// <summary>Where tokens are minted; empty: derived from <see cref="Url"/> (see <see cref="RemoteTokenSource.DefaultTokenUrl"/>).</summary>
    public string? TokenUrl { get; set; }

    /// <summary>Steps in flight per WebRTC session (remote latency is tens of ms, so 2 keeps the pipe full).</summary>
    public int InFlight { get; set; } = 2;

    /// <summary><c>msgpack</c> (default) or <c>json</c> on the upstream socket.</summary>
    public string Format { get; set; } = "msgpack";

    /// <summary>Lifetime asked for each minted token, in seconds (fal's clients ask 120).</summary>
    public int TokenSeconds { get; set; } = 120;

    /// <summary>Bound on one connect (token request and WebSocket handshake), in seconds.</summary>
    public double ConnectTimeoutSeconds { get; set; } = 10;

    /// <summary>A step unanswered this long counts as lost and the upstream socket is replaced, in seconds.</summary>
    public double StepTimeoutSeconds { get; set; } = 10;

    /// <summary>Longest wait between reconnect attempts (the backoff doubles from 250 ms up to this), in seconds.</summary>
    public double MaxBackoffSeconds { get; set; } = 5;

    /// <summary>Input frame encoding for <c>/webrtc</c>: <c>jpeg</c> (default) or <c>rgba</c>.</summary>
    public string FrameFormat { get; set; } = "jpeg";

    /// <summary>JPEG quality of input frames.</summary>
    public int JpegQuality { get; set; } = 85;

    public bool IsJson => Format.Equals("json", StringComparison.OrdinalIgnoreCase);

    /// <summary>The key used: <see cref="Key"/>, else <c>FAL_KEY</c>, else null.</summary>
    public string? EffectiveKey => !string.IsNullOrWhiteSpace(Key) ? Key : Environment.GetEnvironmentVariable("FAL_KEY") is { Length: > 0 } k ? k : null;

    public void Validate()
    {
        Apps.AppId.Parse(Id);
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var url) || url.Scheme is not ("ws" or "wss"))
            throw new ArgumentException($"Apps:Remote Url '{Url}' must be an absolute ws:// or wss:// URL");
        if (TokenUrl is { Length: > 0 } t && !Uri.TryCreate(t, UriKind.Absolute, out _))
            throw new ArgumentException($"Apps:Remote TokenUrl '{t}' must be an absolute URL");
        if (InFlight is < 1 or > 64) throw new ArgumentException($"Apps:Remote InFlight must be 1..64, got {InFlight}");
        if (!Format.Equals("msgpack", StringComparison.OrdinalIgnoreCase) && !IsJson)
            throw new ArgumentException($"Apps:Remote Format must be msgpack or json, got '{Format}'");
        if (!FrameFormat.Equals("jpeg", StringComparison.OrdinalIgnoreCase) && !FrameFormat.Equals("rgba", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"Apps:Remote FrameFormat must be jpeg or rgba, got '{FrameFormat}'");
        if (TokenSeconds < 10) throw new ArgumentException("Apps:Remote TokenSeconds must be at least 10");
        if (ConnectTimeoutSeconds <= 0 || StepTimeoutSeconds <= 0 || MaxBackoffSeconds <= 0)
            throw new ArgumentException("Apps:Remote timeouts must be positive");
    }
}
