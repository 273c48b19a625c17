using WebRtcBridge.WebRtc;

namespace WebRtcBridge.MediaRunner.WebRtcSessions;

/// <summary>Limits and timings of one <see cref="WebRtcSession"/>.</summary>
public sealed record WebRtcSessionOptions
{
    /// <summary>Media settings; the connection (and its UDP socket) is created when the offer arrives.</summary>
    public required PeerConnectionOptions PeerConnection { get; init; }

    /// <summary>A session that has no accepted offer by then is ended (error <c>offer_timeout</c>, close 4001).</summary>
    public TimeSpan OfferTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest signaling message; a larger one is discarded and answered with an error (the session goes on).</summary>
    public int MaxMessageBytes { get; init; } = 64 * 1024;

    /// <summary>How often a <c>stats</c> message is sent.</summary>
    public TimeSpan StatsInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the client has to answer our close frame before the socket is aborted.</summary>
    public TimeSpan CloseHandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The node's measured load, which the session's degradation reports to and steps back up by; none in tests.</summary>
    public Overload.NodeLoad? NodeLoad { get; init; }

    /// <summary>Per-session degradation under overload; the defaults when null.</summary>
    public Overload.DegradationOptions? Degradation { get; init; }

    /// <summary>Called for each signaling message over <see cref="MaxMessageBytes"/> (a counter).</summary>
    public Action? OversizedMessage { get; init; }
}
