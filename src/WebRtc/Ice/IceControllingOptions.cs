namespace WebRtcBridge.WebRtc.Ice;

/// <summary>Timers and limits of <see cref="IceControllingAgent"/> (RFC 8445 §14, RFC 8489 §6.2.1, RFC 7675).</summary>
public sealed record IceControllingOptions
{
    /// <summary>Ta: pacing between new checks (RFC 8445 §14.2), 50 ms.</summary>
    public int PacingIntervalMs { get; init; } = 50;
    /// <summary>Initial RTO (RFC 8489 §6.2.1), doubled per retransmission. 100 ms: we talk to a known lite server;
    /// RFC 8445 §14.3 suggests MAX(500 ms, Ta × pairs) for the open Internet.</summary>
    public int InitialRtoMs { get; init; } = 100;
    /// <summary>Rc: transmissions per check including the first (RFC 8489 §6.2.1), 7.</summary>
    public int MaxTransmissions { get; init; } = 7;
    /// <summary>Rm: after the last transmission wait Rm × initial RTO before failing the check (RFC 8489 §6.2.1), 16.</summary>
    public int FinalWaitMultiplier { get; init; } = 16;
    /// <summary>Consent check interval, randomised to 0.8..1.2 × this (RFC 7675 §5.1), 5 s.</summary>
    public int ConsentIntervalMs { get; init; } = 5_000;
    /// <summary>Consent is lost after this long without a success response (RFC 7675 §5.1), 30 s.</summary>
    public long ConsentTimeoutMs { get; init; } = 30_000;
    /// <summary>Checking fails after this long without a nominated pair, 30 s.</summary>
    public long ChecksTimeoutMs { get; init; } = 30_000;
    /// <summary>Maximum candidate pairs (RFC 8445 §6.1.2.5 suggests 100).</summary>
    public int MaxPairs { get; init; } = 100;
}
