using WebRtcBridge.MediaRunner.Apps;

namespace WebRtcBridge.Signaling.Auth;

/// <summary>
/// Decides whether a request may use an app (docs/protocols.md#auth-and-tokens): a temporary token in the
/// <c>fal_jwt_token</c> query, or <c>Authorization: Key id:secret</c> / <c>Bearer token</c>. Checked once, at the
/// WebSocket handshake; a live session is never ended because its token has since expired.
/// </summary>
public sealed class HandshakeAuthenticator(ApiKeyStore keys, TokenService tokens)
{
    public async Task<(bool Allowed, string? Reason)> AuthorizeAsync(HttpContext context, AppId app)
    {
        if (keys.IsOpen) return (true, null);
        string? token = context.Request.Query["fal_jwt_token"];
        var header = context.Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(token) && header.StartsWith("Key ", StringComparison.OrdinalIgnoreCase))
        {
            return keys.TryValidate(header[4..].Trim(), out _) ? (true, null) : (false, "unknown API key");
        }
        if (string.IsNullOrEmpty(token) && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            token = header[7..].Trim();
        if (string.IsNullOrEmpty(token)) return (false, "no credentials");
        var (valid, allowed, error) = await tokens.ValidateAsync(token).ConfigureAwait(false);
        if (!valid) return (false, error);
        if (allowed.Count > 0 && !allowed.Contains(app.Alias, StringComparer.Ordinal) &&
            !allowed.Contains(app.ToString(), StringComparer.Ordinal))
            return (false, $"token does not allow app {app}");
        return (true, null);
    }
}
