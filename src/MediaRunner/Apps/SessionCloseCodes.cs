using System.Net.WebSockets;

namespace WebRtcBridge.MediaRunner.Apps;

/// <summary>
/// The WebSocket close codes the bridge ends a session with (RFC 6455 §7.4.1, and 4000-4999 for our own; README,
/// "Close codes"). Every end sends a close frame with one of these and a short reason; a client never needs to see
/// 1006 (no close frame) unless the network itself failed.
/// </summary>
public static class SessionCloseCodes
{
    /// <summary>A normal end: the client closed, the peer closed the media (DTLS close_notify), or the app ended it.</summary>
    public const WebSocketCloseStatus Normal = WebSocketCloseStatus.NormalClosure;

    /// <summary>The server is shutting down.</summary>
    public const WebSocketCloseStatus ShuttingDown = WebSocketCloseStatus.EndpointUnavailable;

    /// <summary>Unauthorized, a bad handshake parameter, or this client's own socket limit.</summary>
    public const WebSocketCloseStatus PolicyViolation = WebSocketCloseStatus.PolicyViolation;

    /// <summary>A fault inside the server (an unexpected exception in the session).</summary>
    public const WebSocketCloseStatus ServerFault = WebSocketCloseStatus.InternalServerError;

    /// <summary>The server is at a server-wide session limit; try again later (RFC 6455 registry: 1013).</summary>
    public const WebSocketCloseStatus TryAgainLater = (WebSocketCloseStatus)1013;

    /// <summary>The media connection failed: ICE connectivity or consent lost, or DTLS/SRTP failed.</summary>
    public const WebSocketCloseStatus MediaFailed = (WebSocketCloseStatus)4000;

    /// <summary>No offer arrived within <c>Bridge:WebRtc:OfferTimeoutSeconds</c>.</summary>
    public const WebSocketCloseStatus OfferTimeout = (WebSocketCloseStatus)4001;
}
