namespace WebRtcBridge.WebRtc.Sdp;

/// <summary>One m= section (RFC 8866 §5.14) with its c=, other lines and attributes, in order.</summary>
public sealed class MediaDescription
{
    /// <summary>"audio", "video", "application", ...</summary>
    public required string Media { get; set; }
    /// <summary>Port; 0 rejects the section.</summary>
    public int Port { get; set; }
    /// <summary>Optional "/n" port count.</summary>
    public int? PortCount { get; set; }
    /// <summary>Transport protocol, e.g. "UDP/TLS/RTP/SAVPF".</summary>
    public required string Protocol { get; set; }
    /// <summary>Formats (payload types or e.g. "webrtc-datachannel").</summary>
    public List<string> Formats { get; } = new();
    /// <summary>c= line of this section, if any.</summary>
    public SdpConnection? Connection { get; set; }
    /// <summary>i=, b=, k= and unknown lines, in order.</summary>
    public List<SdpLine> OtherLines { get; } = new();
    /// <summary>a= lines, in order.</summary>
    public List<SdpAttribute> Attributes { get; } = new();

    /// <summary>Value of the first attribute named <paramref name="name"/> ("" for a flag), or null.</summary>
    public string? GetAttribute(string name) => SdpAttributes.First(Attributes, name);

    /// <summary>True when an attribute named <paramref name="name"/> is present.</summary>
    public bool HasAttribute(string name) => SdpAttributes.Has(Attributes, name);

    /// <summary>Values of every attribute named <paramref name="name"/>.</summary>
    public IEnumerable<string> GetAttributes(string name) => SdpAttributes.All(Attributes, name);

    /// <summary>a=mid value, or null.</summary>
    public string? Mid => GetAttribute("mid");
}

/// <summary>Lookups over attribute lists (names compare case-sensitively, as browsers write them).</summary>
public static class SdpAttributes
{
    /// <summary>First value ("" for a flag), or null.</summary>
    public static string? First(List<SdpAttribute> list, string name)
    {
        foreach (var a in list) if (a.Name == name) return a.Value ?? "";
        return null;
    }

    /// <summary>True when present.</summary>
    public static bool Has(List<SdpAttribute> list, string name)
    {
        foreach (var a in list) if (a.Name == name) return true;
        return false;
    }

    /// <summary>All values ("" for flags).</summary>
    public static IEnumerable<string> All(List<SdpAttribute> list, string name)
    {
        foreach (var a in list) if (a.Name == name) yield return a.Value ?? "";
    }
}
