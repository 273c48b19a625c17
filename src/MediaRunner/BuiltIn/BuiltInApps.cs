using WebRtcBridge.MediaRunner.Apps;

namespace WebRtcBridge.MediaRunner.BuiltIn;

/// <summary>The apps every server has: <c>bridge/echo</c>, <c>bridge/filters</c> (the default) and <c>bridge/filters-jpeg</c>.</summary>
public static class BuiltInApps
{
    public static void Register(AppRegistry registry)
    {
        registry.Add(EchoApp.Create());
        registry.Add(FiltersApp.Create(), isDefault: true);
        registry.Add(FiltersJpegApp.Create());
    }
}
