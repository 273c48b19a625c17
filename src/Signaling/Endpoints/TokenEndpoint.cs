using System.Text.Json;
using WebRtcBridge.Signaling.Auth;

namespace WebRtcBridge.Signaling.Endpoints;

/// <summary>
/// <c>POST /tokens/</c> with <c>Authorization: Key id:secret</c> and <c>{"allowed_apps":[alias],"token_expiration":s}</c>
/// answers a bare JSON string holding a signed JWT (docs/protocols.md#auth-and-tokens).
/// </summary>
public static class TokenEndpoint
{
    private const int DefaultSeconds = 120;

    public static async Task<IResult> HandleAsync(HttpContext context, ApiKeyStore keys, TokenService tokens)
    {
        var header = context.Request.Headers.Authorization.ToString();
        string keyId = "anonymous";
        if (!keys.IsOpen)
        {
            if (!header.StartsWith("Key ", StringComparison.OrdinalIgnoreCase) || !keys.TryValidate(header[4..].Trim(), out keyId))
                return Results.Json(new { detail = "Unauthorized" }, statusCode: StatusCodes.Status401Unauthorized);
        }
        List<string> apps = [];
        var seconds = DefaultSeconds;
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted);
            if (body.RootElement.ValueKind != JsonValueKind.Object)
                return BadRequest("body must be a JSON object");
            if (body.RootElement.TryGetProperty("allowed_apps", out var allowed))
            {
                if (allowed.ValueKind != JsonValueKind.Array) return BadRequest("allowed_apps must be an array of strings");
                foreach (var item in allowed.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.String) return BadRequest("allowed_apps must be an array of strings");
                    apps.Add(item.GetString()!);
                }
            }
            if (body.RootElement.TryGetProperty("token_expiration", out var exp))
            {
                if (!exp.TryGetInt32(out seconds) || seconds < 1 || seconds > tokens.MaxLifetime.TotalSeconds)
                    return BadRequest($"token_expiration must be an integer from 1 to {(int)tokens.MaxLifetime.TotalSeconds}");
            }
        }
        catch (JsonException e)
        {
            return BadRequest("invalid JSON: " + e.Message);
        }
        var token = tokens.Issue(keyId, apps, TimeSpan.FromSeconds(seconds));
        return Results.Json(token);
    }

    private static IResult BadRequest(string detail) => Results.Json(new { detail }, statusCode: StatusCodes.Status400BadRequest);
}
