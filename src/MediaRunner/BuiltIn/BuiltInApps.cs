using WebRtcBridge.MediaRunner.Apps;

namespace WebRtcBridge.MediaRunner.BuiltIn;

/// <summary>The apps every server has: <c>bridge/echo</c> and <c>bridge/filters</c> (the default).</summary>
public static class BuiltInApps
{
    public static void Register(AppRegistry registry)
    {
        registry.Add(EchoApp.Create());
        registry.Add(FiltersApp.Create(), isDefault: true);
    }
}
