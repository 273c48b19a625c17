using System.Text.RegularExpressions;

namespace WebRtcBridge.ClientKit.Realtime;

/// <summary>
/// Builds the URL fal's clients dial (docs/protocols.md#urls-and-routing):
/// <c>{base}/{appId}{path}?fal_jwt_token={token}[&amp;max_buffering=n]</c>.
/// </summary>
public static partial class RealtimeUrl
{
    /// <summary>Normalises an app id: <c>owner/alias[/sub]</c> verbatim, legacy <c>123-app</c> as <c>123/app</c>.</summary>
    public static string NormalizeAppId(string appId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(appId);
        if (appId.Contains('/')) return appId.Trim('/');
        var legacy = LegacyId().Match(appId);
        if (legacy.Success) return $"{legacy.Groups[1].Value}/{legacy.Groups[2].Value}";
        throw new ArgumentException($"Invalid app id '{appId}': expected owner/alias.", nameof(appId));
    }

    /// <summary>The endpoint path: an explicit one as <c>/path</c>; otherwise <c>/realtime</c> unless the id already
    /// ends with it (fal-js <c>resolveEndpointPath</c>).</summary>
    public static string ResolvePath(string appId, string? path, string defaultPath = "/realtime")
    {
        if (path is not null) return "/" + path.TrimStart('/');
        return appId.EndsWith("/realtime", StringComparison.Ordinal) ? "" : defaultPath;
    }

    /// <summary>The alias fal puts in <c>allowed_apps</c>: the second segment, or the third under a namespace.</summary>
    public static string AliasOf(string appId)
    {
        var parts = NormalizeAppId(appId).Split('/');
        var first = parts[0] is "workflows" or "comfy" ? 1 : 0;
        return parts.Length > first + 1 ? parts[first + 1] : parts[^1];
    }

    /// <summary>The realtime socket URL of an app.</summary>
    /// <param name="baseUrl">The server, e.g. <c>wss://fal.run</c>.</param>
    /// <param name="appId">The app id, <c>owner/alias</c>.</param>
    /// <param name="token">A temporary token, sent as <c>fal_jwt_token</c>; null for none.</param>
    /// <param name="maxBuffering">The server's input queue length (1..60), sent as <c>max_buffering</c>; null for none.</param>
    /// <param name="path">An already resolved path (see <see cref="ResolvePath"/>): empty or <c>/name</c>.</param>
    public static Uri Build(Uri baseUrl, string appId, string path, string? token, int? maxBuffering)
    {
        if (maxBuffering is { } mb && (mb < 1 || mb > 60))
            throw new ArgumentOutOfRangeException(nameof(maxBuffering), mb, "The `maxBuffering` must be between 1 and 60 (inclusive)");
        var id = NormalizeAppId(appId);
        var query = new List<string>();
        if (token is not null) query.Add("fal_jwt_token=" + Uri.EscapeDataString(token));
        if (maxBuffering is { } b) query.Add("max_buffering=" + b);
        var root = baseUrl.ToString().TrimEnd('/');
        var url = $"{root}/{id}{path}";
        return new Uri(query.Count == 0 ? url : url + "?" + string.Join('&', query));
    }

    [GeneratedRegex("^([0-9]+)-([a-zA-Z0-9-]+)$")]
    private static partial Regex LegacyId();
}
