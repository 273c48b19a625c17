using System.Text.Json;
using WebRtcBridge.Signaling.Auth;

namespace WebRtcBridge.Signaling.Endpoints;

/// <summary>
/// <c>POST /tokens/</c> with <c>Authorization: Key id:secret</c> and <c>{"allowed_apps":[alias],"token_expiration":s}</c>
/// answers a bare JSON string holding a signed JWT (docs/protocols.md). The body is bounded
/// (<see cref="MaxBodyBytes"/>), <c>allowed_apps</c> must name 1 to <see cref="MaxAllowedApps"/> apps (a token allows
/// only the apps it names; fal's clients always name one), and the endpoint is rate limited per client
/// (<c>Bridge:TokenRequestsPerMinute</c>).
/// </summary>
public static class TokenEndpoint
{
    public const string RateLimitPolicy = "tokens";
    public const int MaxBodyBytes = 16 * 1024;
    public const int MaxAllowedApps = 32;
    private const int MaxAppNameLength = 200;
    private const int DefaultSeconds = 120;

    public static async Task<IResult> HandleAsync(HttpContext context, HandshakeAuthenticator auth, TokenService tokens)
    {
        if (!auth.HasValidKey(context, out var keyId))
            return Results.Json(new { detail = "Unauthorized" }, statusCode: StatusCodes.Status401Unauthorized);
        if (context.Request.ContentLength > MaxBodyBytes) return TooLarge();
        var body = await ReadBoundedAsync(context);
        if (body is null) return TooLarge();
        List<string> apps = [];
        var seconds = DefaultSeconds;
        try
        {
            using var json = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 4 });
            if (json.RootElement.ValueKind != JsonValueKind.Object)
                return BadRequest("body must be a JSON object");
            if (!json.RootElement.TryGetProperty("allowed_apps", out var allowed) || allowed.ValueKind != JsonValueKind.Array)
                return BadRequest("allowed_apps must be an array of app names");
            var count = allowed.GetArrayLength();
            if (count is < 1 or > MaxAllowedApps)
                return BadRequest($"allowed_apps must name 1 to {MaxAllowedApps} apps");
            foreach (var item in allowed.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String || item.GetString() is not { Length: > 0 and <= MaxAppNameLength } name)
                    return BadRequest($"allowed_apps must be an array of app names (1 to {MaxAppNameLength} characters)");
                apps.Add(name);
            }
            if (json.RootElement.TryGetProperty("token_expiration", out var exp))
            {
                if (!exp.TryGetInt32(out seconds) || seconds < 1 || seconds > tokens.MaxLifetime.TotalSeconds)
                    return BadRequest($"token_expiration must be an integer from 1 to {(int)tokens.MaxLifetime.TotalSeconds}");
            }
        }
        catch (JsonException e)
        {
            return BadRequest("invalid JSON: " + e.Message);
        }
        var token = tokens.Issue(keyId ?? "anonymous", apps, TimeSpan.FromSeconds(seconds));
        return Results.Json(token);
    }

    /// <summary>The body, or null when it is longer than <see cref="MaxBodyBytes"/>.</summary>
    private static async Task<byte[]?> ReadBoundedAsync(HttpContext context)
    {
        var buffer = new byte[MaxBodyBytes + 1];
        var length = 0;
        while (length < buffer.Length)
        {
            var n = await context.Request.Body.ReadAsync(buffer.AsMemory(length), context.RequestAborted);
            if (n == 0) return buffer[..length];
            length += n;
        }
        return null;
    }

    private static IResult TooLarge() => Results.Json(new { detail = $"body exceeds {MaxBodyBytes} bytes" },
        statusCode: StatusCodes.Status413PayloadTooLarge);

    private static IResult BadRequest(string detail) => Results.Json(new { detail }, statusCode: StatusCodes.Status400BadRequest);
}
