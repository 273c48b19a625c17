namespace WebRtcBridge.WebRtc.Ice;

/// <summary>Outcome of <see cref="IceLiteAgent.HandleStunRequest"/>.</summary>
public enum IceLiteResult
{
    /// <summary>Valid check: a success response was written; send it back to the source.</summary>
    Success,
    /// <summary>Authenticated but rejected: a signed error response (400/420/487) was written; send it back to the source.</summary>
    ErrorResponse,
    /// <summary>Silently dropped (malformed, bad FINGERPRINT, unauthenticated, replayed, a response, agent closed); nothing to send.</summary>
    Dropped,
}
