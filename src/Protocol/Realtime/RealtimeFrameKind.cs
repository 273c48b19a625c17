namespace WebRtcBridge.Protocol.Realtime;

/// <summary>What a client makes of a server frame (docs/protocols.md#realtime-messages, in that order).</summary>
public enum RealtimeFrameKind
{
    /// <summary><c>{"status":"error","error":"Unauthorized"}</c>: drop the token and go idle.</summary>
    Unauthorized,
    /// <summary>An app result: any map that is not an error, <c>x-fal-message</c> or <c>x-fal-error</c>.</summary>
    Result,
    /// <summary><c>x-fal-error</c> with <c>TIMEOUT</c>: the normal end of a session, not an error.</summary>
    Timeout,
    /// <summary>Any other <c>x-fal-error</c>.</summary>
    Error,
    /// <summary>Anything else (<c>x-fal-message</c>, other <c>status:error</c> frames, non-maps).</summary>
    Ignored,
}
