using System.Net.Http.Json;
using System.Text.Json;

namespace WebRtcBridge.MediaRunner.FrameAdapters.Remote;

/// <summary>
/// Short-lived upstream tokens, minted the way fal's clients do (docs/protocols.md, "Auth"): <c>POST {TokenUrl}</c>
/// with <c>Authorization: Key id:secret</c> and <c>{"allowed_apps":[alias],"token_expiration":N}</c>; the answer is
/// a bare JSON string (or <c>{"token":…}</c> / <c>{"detail":…}</c>). A token is reused while more than a quarter of
/// its life is left, so every (re)connect presents one that is far from expiry; without a key there is no token.
/// </summary>
public sealed class RemoteTokenSource(RemoteAppOptions options, HttpClient http) : IDisposable
{
    /// <summary>Frees the gate.</summary>
    public void Dispose() => _gate.Dispose();

    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;
    private DateTime _renewAt;
    private long _minted;

    public long Minted => Interlocked.Read(ref _minted);

    public Uri TokenUrl { get; } = string.IsNullOrWhiteSpace(options.TokenUrl) ? DefaultTokenUrl(new Uri(options.Url)) : new Uri(options.TokenUrl);

    /// <summary>
    /// fal's clients mint tokens at their REST host, not at the realtime host: fal-js and fal_client post to
    /// <c>https://rest.fal.ai/tokens/</c> for apps on <c>fal.run</c>; the alpha hosts (<c>*.alpha.fal.ai</c>) use
    /// <c>https://rest.alpha.fal.ai/tokens/</c>. Any other host (e.g. another WebRtcBridge) serves
    /// <c>/tokens/</c> itself: <c>http(s)://{host}/tokens/</c>, the scheme following ws/wss.
    /// </summary>
    public static Uri DefaultTokenUrl(Uri realtimeUrl)
    {
        var host = realtimeUrl.Host.ToLowerInvariant();
        if (host == "alpha.fal.ai" || host.EndsWith(".alpha.fal.ai", StringComparison.Ordinal)) return new Uri("https://rest.alpha.fal.ai/tokens/");
        if (host is "fal.run" or "fal.ai" || host.EndsWith(".fal.run", StringComparison.Ordinal) || host.EndsWith(".fal.ai", StringComparison.Ordinal))
            return new Uri("https://rest.fal.ai/tokens/");
        var scheme = realtimeUrl.Scheme == "wss" ? "https" : "http";
        return new UriBuilder(scheme, realtimeUrl.Host, realtimeUrl.Port, "/tokens/").Uri;
    }

    /// <summary>A token with more than a quarter of its life left, or null when no key is configured.</summary>
    public async ValueTask<string?> GetAsync(string alias, CancellationToken ct)
    {
        var key = options.EffectiveKey;
        if (key is null) return null;
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_token is not null && DateTime.UtcNow < _renewAt) return _token;
            using var request = new HttpRequestMessage(HttpMethod.Post, TokenUrl)
            {
                Content = JsonContent.Create(new Dictionary<string, object>
                {
                    ["allowed_apps"] = new[] { alias },
                    ["token_expiration"] = options.TokenSeconds,
                }),
            };
            request.Headers.TryAddWithoutValidation("Authorization", "Key " + key);
            request.Headers.TryAddWithoutValidation("Accept", "application/json");
            using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"token request to {TokenUrl} failed: {(int)response.StatusCode} {Truncate(body)}");
            using var doc = JsonDocument.Parse(body);
            var token = doc.RootElement.ValueKind switch
            {
                JsonValueKind.String => doc.RootElement.GetString(),
                JsonValueKind.Object when doc.RootElement.TryGetProperty("token", out var t) => t.GetString(),
                JsonValueKind.Object when doc.RootElement.TryGetProperty("detail", out var d) => d.GetString(),
                _ => null,
            } ?? throw new HttpRequestException("unexpected token response: " + Truncate(body));
            _token = token;
            _renewAt = DateTime.UtcNow.AddSeconds(options.TokenSeconds * 0.75);
            Interlocked.Increment(ref _minted);
            return token;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forgets the cached token (the upstream said Unauthorized).</summary>
    public void Invalidate() => _token = null;

    private static string Truncate(string s) => s.Length > 200 ? s[..200] : s;
}
