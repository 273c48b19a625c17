using System.Globalization;
using System.Text;

namespace WebRtcBridge.WebRtc.Sdp;

/// <summary>Writes a <see cref="SessionDescription"/> in RFC 8866 §5 line order with CRLF endings.</summary>
public static class SdpWriter
{
    private const string Crlf = "\r\n";

    /// <summary>The SDP text.</summary>
    public static string Write(SessionDescription d)
    {
        var sb = new StringBuilder(2048);
        sb.Append("v=").Append(d.Version.ToString(CultureInfo.InvariantCulture)).Append(Crlf);
        sb.Append("o=").Append(d.Origin).Append(Crlf);
        sb.Append("s=").Append(d.SessionName).Append(Crlf);
        AppendOthers(sb, d.OtherLines, "iuep");
        if (d.Connection != null) sb.Append("c=").Append(d.Connection).Append(Crlf);
        AppendOthers(sb, d.OtherLines, "b");
        if (d.TimeLines.Count == 0) sb.Append("t=0 0").Append(Crlf);
        foreach (var t in d.TimeLines) sb.Append(t).Append(Crlf);
        AppendOthers(sb, d.OtherLines, null); // z=, k= and unknown types
        foreach (var a in d.Attributes) sb.Append(a).Append(Crlf);
        foreach (var m in d.Media)
        {
            sb.Append("m=").Append(m.Media).Append(' ').Append(m.Port.ToString(CultureInfo.InvariantCulture));
            if (m.PortCount != null) sb.Append('/').Append(m.PortCount.Value.ToString(CultureInfo.InvariantCulture));
            sb.Append(' ').Append(m.Protocol);
            foreach (var f in m.Formats) sb.Append(' ').Append(f);
            sb.Append(Crlf);
            AppendOthers(sb, m.OtherLines, "i");
            if (m.Connection != null) sb.Append("c=").Append(m.Connection).Append(Crlf);
            AppendOthers(sb, m.OtherLines, "b");
            AppendOthers(sb, m.OtherLines, null);
            foreach (var a in m.Attributes) sb.Append(a).Append(Crlf);
        }
        return sb.ToString();
    }

    // Appends lines whose type is in `types`; with null, every line whose type is not one of "iuepb".
    private static void AppendOthers(StringBuilder sb, List<SdpLine> lines, string? types)
    {
        foreach (var l in lines)
        {
            bool match = types is null ? !"iuepb".Contains(l.Type) : types.Contains(l.Type);
            if (match) sb.Append(l).Append(Crlf);
        }
    }
}
