namespace WebRtcBridge.Signaling.Auth;

/// <summary>Who a client is, for per-client limits: the API key id or token subject when known, else the remote IP.</summary>
public static class ClientIdentity
{
    public static string Of(HttpContext http, string? principal)
        => principal is { Length: > 0 } ? "key:" + principal : "ip:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown");
}
