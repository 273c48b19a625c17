namespace WebRtcBridge.ClientKit.Realtime;

/// <summary>How results and inputs are encoded on the wire.</summary>
public enum WireFormat
{
    /// <summary>Binary msgpack frames (fal's default).</summary>
    MsgPack,
    /// <summary>Text JSON frames.</summary>
    Json,
}

/// <summary>Options of <see cref="RealtimeClient"/>; the defaults behave like fal-js.</summary>
public sealed record RealtimeClientOptions
{
    /// <summary>Where the realtime WebSockets are; <c>wss://fal.run</c> talks to fal itself.</summary>
    public Uri BaseUrl { get; init; } = new("wss://fal.run");

    /// <summary>Where <c>POST /tokens/</c> is when tokens are fetched with <see cref="Key"/>.</summary>
    public Uri RestUrl { get; init; } = new("https://rest.fal.ai");

    /// <summary>An API key <c>id:secret</c>. With <see cref="UseJwt"/> it fetches temporary tokens; without, it is
    /// sent as <c>Authorization: Key …</c> on the handshake.</summary>
    public string? Key { get; init; }

    /// <summary>Supplies a token for <c>"{appId}{path}"</c>; takes precedence over <see cref="Key"/>.</summary>
    public Func<string, CancellationToken, ValueTask<string>>? TokenProvider { get; init; }

    /// <summary>Lifetime asked for fetched tokens, and for provider tokens when refresh is wanted.</summary>
    public TimeSpan TokenExpiration { get; init; } = TimeSpan.FromSeconds(120);

    public bool UseJwt { get; init; } = true;

    /// <summary>Endpoint path; null means <c>/realtime</c>.</summary>
    public string? Path { get; init; }

    /// <summary>Leading call plus the latest trailing one per interval; zero disables throttling.</summary>
    public TimeSpan ThrottleInterval { get; init; } = TimeSpan.FromMilliseconds(128);

    /// <summary>The server-side drop-oldest input queue size (1..60), sent as <c>max_buffering</c>.</summary>
    public int? MaxBuffering { get; init; }

    public WireFormat Format { get; init; } = WireFormat.MsgPack;

    /// <summary>Results kept for the reader; when it falls behind the oldest are dropped and counted.</summary>
    public int ResultCapacity { get; init; } = 64;

    /// <summary>Largest frame accepted from the server.</summary>
    public int MaxMessageBytes { get; init; } = 16 * 1024 * 1024;

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
