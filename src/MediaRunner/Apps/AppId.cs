namespace WebRtcBridge.MediaRunner.Apps;

/// <summary>
/// An app's id, <c>owner/alias</c>, optionally under a namespace (<c>workflows/owner/alias</c>,
/// <c>comfy/owner/alias</c>), as fal's clients build it (docs/protocols.md#urls-and-routing).
/// </summary>
public sealed record AppId(string Owner, string Alias, string? Namespace = null)
{
    /// <summary>The namespaces fal's clients recognise as a first path segment.</summary>
    public static readonly IReadOnlyList<string> Namespaces = ["workflows", "comfy"];

    public override string ToString() => Namespace is null ? $"{Owner}/{Alias}" : $"{Namespace}/{Owner}/{Alias}";

    /// <summary>Parses <c>owner/alias</c> or <c>ns/owner/alias</c>.</summary>
    public static AppId Parse(string text)
    {
        var parts = text.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length switch
        {
            2 => new AppId(parts[0], parts[1]),
            3 when Namespaces.Contains(parts[0]) => new AppId(parts[1], parts[2], parts[0]),
            _ => throw new FormatException($"Invalid app id '{text}': expected owner/alias."),
        };
    }
}
