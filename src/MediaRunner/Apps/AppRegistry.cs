namespace WebRtcBridge.MediaRunner.Apps;

/// <summary>The apps a server hosts, and which one answers the bare paths (<c>/realtime</c>, <c>/</c>, <c>/webrtc</c>).</summary>
public sealed class AppRegistry
{
    private readonly Dictionary<string, BridgeApp> _apps = new(StringComparer.Ordinal);

    public IEnumerable<BridgeApp> Apps => _apps.Values;

    public BridgeApp? DefaultApp { get; private set; }

    public AppRegistry Add(BridgeApp app, bool isDefault = false)
    {
        if (!_apps.TryAdd(app.Id.ToString(), app)) throw new ArgumentException($"app {app.Id} is registered twice");
        if (isDefault) DefaultApp = app;
        return this;
    }

    public bool TryGet(AppId id, out BridgeApp app) => _apps.TryGetValue(id.ToString(), out app!);
}
