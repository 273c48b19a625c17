using System.Net.WebSockets;
using WebRtcBridge.MediaRunner.Apps;

namespace WebRtcBridge.MediaRunner.WebRtcSessions;

/// <summary>
/// Why a <c>/webrtc</c> session ended: the close code and reason the signaling socket is closed with, and the
/// <c>{"type":"error","error":…}</c> message sent before the close when the end is not a normal one. The codes are
/// <see cref="SessionCloseCodes"/> (README, "Close codes").
/// </summary>
public sealed record SessionEnd(WebSocketCloseStatus Code, string Reason, string? Error = null)
{
    /// <summary>The client sent a close frame or a <c>close</c> message.</summary>
    public static readonly SessionEnd ClientClosed = new(SessionCloseCodes.Normal, "client closed");

    /// <summary>The peer closed the media connection (DTLS close_notify): a normal end.</summary>
    public static readonly SessionEnd PeerClosedMedia = new(SessionCloseCodes.Normal, "peer closed the media connection");

    /// <summary>The server is stopping.</summary>
    public static readonly SessionEnd Shutdown = new(SessionCloseCodes.ShuttingDown, "server shutting down",
        "shutdown: the server is stopping");

    /// <summary>The TCP connection is gone: no close frame can be sent.</summary>
    public static readonly SessionEnd ConnectionLost = new(WebSocketCloseStatus.Empty, "connection lost");

    /// <summary>ICE failures keep the <c>ice_failed</c> prefix clients know; DTLS and SRTP ones get <c>media_failed</c>.</summary>
    public static SessionEnd MediaFailed(string reason)
        => new(SessionCloseCodes.MediaFailed, "media failed",
            (reason.StartsWith("ICE", StringComparison.Ordinal) ? "ice_failed: " : "media_failed: ") + reason);

    public static SessionEnd OfferTimeout(TimeSpan timeout)
        => new(SessionCloseCodes.OfferTimeout, "no offer in time",
            $"offer_timeout: no offer within {timeout.TotalSeconds:0.#} s");

    public static SessionEnd ServerFault(string what)
        => new(SessionCloseCodes.ServerFault, "server fault", "internal_error: " + what);

    public static SessionEnd ByApp(string reason)
        => new(SessionCloseCodes.Normal, Truncate(reason));

    public static SessionEnd AppFailed(string error)
        => new(SessionCloseCodes.ServerFault, "app failed", "app_failed: " + error);

    /// <summary>A close reason must fit in 123 bytes of UTF-8 (RFC 6455 §5.5).</summary>
    private static string Truncate(string reason) => reason.Length <= 60 ? reason : reason[..60];
}
