using WebRtcBridge.MediaRunner.Apps;

namespace WebRtcBridge.Signaling.Auth;

/// <summary>
/// Decides whether a request may use an app (docs/protocols.md): a temporary token in the <c>fal_jwt_token</c>
/// query, or <c>Authorization: Key id:secret</c> / <c>Bearer token</c>. Checked once, at the WebSocket handshake; a
/// live session is never ended because its token has since expired. A token allows only the apps it names: one
/// with an empty <c>allowed_apps</c> allows none.
/// </summary>
public sealed class HandshakeAuthenticator(ApiKeyStore keys, TokenService tokens)
{
    public async Task<AuthResult> AuthorizeAsync(HttpContext context, AppId app)
    {
        if (keys.IsOpen) return new AuthResult(true, null, null);
        string? token = context.Request.Query["fal_jwt_token"];
        var header = context.Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(token) && header.StartsWith("Key ", StringComparison.OrdinalIgnoreCase))
        {
            return keys.TryValidate(header[4..].Trim(), out var keyId) ? new AuthResult(true, null, keyId)
                : AuthResult.Deny("unknown API key");
        }
        if (string.IsNullOrEmpty(token) && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            token = header[7..].Trim();
        if (string.IsNullOrEmpty(token)) return AuthResult.Deny("no credentials");
        var (valid, allowed, subject, error) = await tokens.ValidateAsync(token).ConfigureAwait(false);
        if (!valid) return AuthResult.Deny(error ?? "invalid token");
        if (!allowed.Contains(app.Alias, StringComparer.Ordinal) && !allowed.Contains(app.ToString(), StringComparer.Ordinal))
            return AuthResult.Deny($"token does not allow app {app}");
        return new AuthResult(true, null, subject);
    }

    /// <summary>True for a valid API key in <c>Authorization: Key id:secret</c>, or when the server is open.</summary>
    public bool HasValidKey(HttpContext context, out string? keyId)
    {
        keyId = null;
        if (keys.IsOpen) return true;
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Key ", StringComparison.OrdinalIgnoreCase) || !keys.TryValidate(header[4..].Trim(), out var id))
            return false;
        keyId = id;
        return true;
    }
}
