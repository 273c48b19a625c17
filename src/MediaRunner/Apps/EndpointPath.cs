namespace WebRtcBridge.MediaRunner.Apps;

/// <summary>Endpoint paths are stored as <c>/name</c>: one leading slash, no trailing one; the root is <c>/</c>.</summary>
public static class EndpointPath
{
    public static string Normalize(string? path)
    {
        var trimmed = (path ?? "").Trim('/');
        return "/" + trimmed;
    }
}
