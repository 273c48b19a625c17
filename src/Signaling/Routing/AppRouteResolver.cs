using WebRtcBridge.MediaRunner.Apps;

namespace WebRtcBridge.Signaling.Routing;

/// <summary>Where a request path lands: an app and the endpoint path inside it.</summary>
public readonly record struct AppRoute(BridgeApp App, string EndpointPath);

/// <summary>
/// Maps <c>/{owner}/{alias}/{path}</c>, <c>/{ns}/{owner}/{alias}/{path}</c> (ns = workflows | comfy) and the default
/// app's bare paths (<c>/realtime</c>, <c>/ws</c>, <c>/webrtc</c>, <c>/</c>) to an app endpoint
/// (docs/protocols.md#urls-and-routing).
/// </summary>
public sealed class AppRouteResolver(AppRegistry registry)
{
    /// <summary>The legacy suffix fal's older clients dial instead of <c>/realtime</c> (docs/protocols.md#urls-and-routing).</summary>
    public const string LegacyRealtimeSuffix = "/ws";

    public bool TryResolve(string? requestPath, out AppRoute route)
    {
        route = default;
        var segments = (requestPath ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length >= 3 && AppId.Namespaces.Contains(segments[0]) &&
            registry.TryGet(new AppId(segments[1], segments[2], segments[0]), out var nsApp))
        {
            route = new AppRoute(nsApp, Join(segments, 3));
            return true;
        }
        if (segments.Length >= 2 && registry.TryGet(new AppId(segments[0], segments[1]), out var app))
        {
            route = new AppRoute(app, Join(segments, 2));
            return true;
        }
        if (registry.DefaultApp is { } fallback)
        {
            route = new AppRoute(fallback, Join(segments, 0));
            return true;
        }
        return false;
    }

    /// <summary>The realtime endpoint at a path, honouring the legacy <c>/ws</c> alias of <c>/realtime</c>.</summary>
    public static RealtimeEndpoint? FindRealtime(BridgeApp app, string path)
    {
        if (app.Realtime.TryGetValue(path, out var endpoint)) return endpoint;
        if (path.EndsWith(LegacyRealtimeSuffix, StringComparison.Ordinal) && !app.WebSockets.ContainsKey(path))
        {
            var realtimePath = EndpointPath.Normalize(path[..^LegacyRealtimeSuffix.Length] + "/realtime");
            if (app.Realtime.TryGetValue(realtimePath, out endpoint)) return endpoint;
        }
        return null;
    }

    private static string Join(string[] segments, int start)
        => "/" + string.Join('/', segments, start, segments.Length - start);
}
