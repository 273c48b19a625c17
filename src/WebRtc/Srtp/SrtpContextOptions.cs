namespace WebRtcBridge.WebRtc.Srtp;

/// <summary>Limits of an <see cref="SrtpContext"/>.</summary>
public sealed record SrtpContextOptions
{
    /// <summary>Replay window in packets, per SSRC, for both SRTP and SRTCP (rounded up to a multiple of 64). Default 1024.</summary>
    public int ReplayWindowSize { get; init; } = 1024;

    /// <summary>Most SSRCs tracked at once; a new SSRC beyond this evicts the least recently used one. Default 64.</summary>
    public int MaxStreams { get; init; } = 64;

    /// <summary>Defaults.</summary>
    public static SrtpContextOptions Default { get; } = new();
}
