namespace WebRtcBridge.WebRtc.Sdp;

/// <summary>
/// A session description (RFC 8866): session-level lines and the m= sections. Parse with
/// <see cref="SdpParser.Parse"/>, write with <see cref="ToString"/> (CRLF line endings). Lines the model does not
/// interpret are kept in order and written back.
/// </summary>
public sealed class SessionDescription
{
    /// <summary>v= (always 0).</summary>
    public int Version { get; set; }
    /// <summary>o= line.</summary>
    public required SdpOrigin Origin { get; set; }
    /// <summary>s= value ("-" in WebRTC).</summary>
    public string SessionName { get; set; } = "-";
    /// <summary>Session-level c=, if any.</summary>
    public SdpConnection? Connection { get; set; }
    /// <summary>t= and r= lines, in order ("t=0 0" in WebRTC).</summary>
    public List<SdpLine> TimeLines { get; } = new();
    /// <summary>i=, u=, e=, p=, b=, z=, k= and unknown session lines, in order.</summary>
    public List<SdpLine> OtherLines { get; } = new();
    /// <summary>Session-level a= lines, in order.</summary>
    public List<SdpAttribute> Attributes { get; } = new();
    /// <summary>m= sections.</summary>
    public List<MediaDescription> Media { get; } = new();

    /// <summary>Value of the first session attribute named <paramref name="name"/> ("" for a flag), or null.</summary>
    public string? GetAttribute(string name) => SdpAttributes.First(Attributes, name);

    /// <summary>True when a session attribute named <paramref name="name"/> is present.</summary>
    public bool HasAttribute(string name) => SdpAttributes.Has(Attributes, name);

    /// <summary>The mids of a=group:BUNDLE (RFC 8843), empty when absent.</summary>
    public IReadOnlyList<string> BundleMids
    {
        get
        {
            foreach (var v in SdpAttributes.All(Attributes, "group"))
            {
                var parts = v.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length > 0 && parts[0] == "BUNDLE") return parts[1..];
            }
            return [];
        }
    }

    /// <summary>Writes the description with CRLF line endings (RFC 8866 §5).</summary>
    public override string ToString() => SdpWriter.Write(this);
}
