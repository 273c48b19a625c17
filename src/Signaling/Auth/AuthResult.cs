namespace WebRtcBridge.Signaling.Auth;

/// <summary>The outcome of a handshake check: allowed or not (and why), and who the client is: the API key id or the
/// token's subject, null when neither is known (open mode).</summary>
public readonly record struct AuthResult(bool Allowed, string? Reason, string? Principal)
{
    public static AuthResult Deny(string reason) => new(false, reason, null);
}
