namespace WebRtcBridge.Protocol.Realtime;

/// <summary>
/// Codes carried in <c>{"type":"x-fal-error","error":CODE,"reason":TEXT}</c> frames (docs/protocols.md#errors-and-close-codes).
/// <see cref="Timeout"/> is only for a normal end of session: fal's JS and Swift clients swallow it.
/// </summary>
public static class RealtimeErrorCodes
{
    /// <summary>Normal end: no input within the session timeout, or a streaming handler finished.</summary>
    public const string Timeout = "TIMEOUT";

    /// <summary>The handler failed on an input.</summary>
    public const string InternalError = "INTERNAL_ERROR";

    /// <summary>The input could not be decoded (bad msgpack/JSON, not a map, too large).</summary>
    public const string BadRequest = "BAD_REQUEST";

    /// <summary>The input decoded but a field is missing or has a wrong type or value.</summary>
    public const string ValidationError = "VALIDATION_ERROR";

    /// <summary>The server refuses the session (e.g. too many sessions).</summary>
    public const string Unavailable = "UNAVAILABLE";

    /// <summary>Over a limit (sessions, sockets per client): try again later.</summary>
    public const string RateLimited = "RATE_LIMITED";

    /// <summary>The reason sent with <see cref="Timeout"/> by fal's runtime.</summary>
    public const string TimeoutReason = "no inputs, reconnect when needed!";
}
