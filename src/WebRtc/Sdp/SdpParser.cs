using System.Globalization;

namespace WebRtcBridge.WebRtc.Sdp;

/// <summary>
/// Parses SDP (RFC 8866) into a <see cref="SessionDescription"/>. Accepts CRLF or LF. Bounded: at most
/// <see cref="MaxLength"/> characters, <see cref="MaxLines"/> lines, <see cref="MaxLineLength"/> per line and
/// <see cref="MaxMediaSections"/> m= sections. Every problem throws <see cref="SdpException"/> with the line number.
/// </summary>
public static class SdpParser
{
    /// <summary>Maximum SDP size in characters (64 KiB).</summary>
    public const int MaxLength = 64 * 1024;
    /// <summary>Maximum number of lines.</summary>
    public const int MaxLines = 4096;
    /// <summary>Maximum characters in one line.</summary>
    public const int MaxLineLength = 8192;
    /// <summary>Maximum m= sections.</summary>
    public const int MaxMediaSections = 64;

    /// <summary>Parses <paramref name="sdp"/>; throws <see cref="SdpException"/> on malformed input.</summary>
    public static SessionDescription Parse(string sdp)
    {
        if (sdp is null) throw new SdpException("SDP is null");
        if (sdp.Length == 0) throw new SdpException("SDP is empty");
        if (sdp.Length > MaxLength) throw new SdpException($"SDP is longer than {MaxLength} characters");

        SessionDescription? session = null;
        MediaDescription? media = null;
        bool sawSessionName = false, sawTime = false;
        int lineNumber = 0, pos = 0;
        while (pos < sdp.Length)
        {
            int nl = sdp.IndexOf('\n', pos);
            int end = nl < 0 ? sdp.Length : nl;
            int next = nl < 0 ? sdp.Length : nl + 1;
            if (end > pos && sdp[end - 1] == '\r') end--;
            while (end > pos && (sdp[end - 1] == ' ' || sdp[end - 1] == '\t')) end--; // tolerate trailing blanks
            var line = sdp.AsSpan(pos, end - pos);
            pos = next;
            lineNumber++;
            if (lineNumber > MaxLines) throw new SdpException($"more than {MaxLines} lines", lineNumber);
            if (line.IsEmpty) continue; // tolerate blank lines (e.g. a trailing one)
            if (line.Length > MaxLineLength) throw new SdpException($"line longer than {MaxLineLength} characters", lineNumber);
            if (line.Length < 2 || line[1] != '=') throw new SdpException("expected '<type>=<value>'", lineNumber);
            char type = line[0];
            if (type < 'a' || type > 'z') throw new SdpException($"invalid line type '{Printable(type)}'", lineNumber);
            var value = line.Slice(2);
            foreach (char c in value)
                if (c == '\0' || c == '\r') throw new SdpException("NUL or CR inside a line", lineNumber);

            if (session is null)
            {
                if (type != 'v') throw new SdpException("SDP must start with v=", lineNumber);
                if (!value.SequenceEqual("0")) throw new SdpException("unsupported version (v= must be 0)", lineNumber);
                session = new SessionDescription { Origin = null! };
                continue;
            }
            switch (type)
            {
                case 'v':
                    throw new SdpException("duplicate v= line", lineNumber);
                case 'o':
                    if (media != null || session.Origin != null) throw new SdpException("unexpected o= line", lineNumber);
                    session.Origin = ParseOrigin(value.ToString(), lineNumber);
                    break;
                case 's':
                    if (media != null || sawSessionName) throw new SdpException("unexpected s= line", lineNumber);
                    session.SessionName = value.ToString();
                    sawSessionName = true;
                    break;
                case 't':
                case 'r':
                    if (media != null) throw new SdpException($"{type}= line inside a media section", lineNumber);
                    if (type == 'r' && !sawTime) throw new SdpException("r= line before t=", lineNumber);
                    if (type == 't') ValidateTime(value.ToString(), lineNumber);
                    session.TimeLines.Add(new SdpLine(type, value.ToString()));
                    sawTime |= type == 't';
                    break;
                case 'c':
                    var conn = ParseConnection(value.ToString(), lineNumber);
                    if (media != null) media.Connection = conn; else session.Connection = conn;
                    break;
                case 'm':
                    if (session.Origin is null) throw new SdpException("m= line before o=", lineNumber);
                    if (session.Media.Count >= MaxMediaSections) throw new SdpException($"more than {MaxMediaSections} m= sections", lineNumber);
                    media = ParseMedia(value.ToString(), lineNumber);
                    session.Media.Add(media);
                    break;
                case 'a':
                    var attr = ParseAttribute(value, lineNumber);
                    if (media != null) media.Attributes.Add(attr); else session.Attributes.Add(attr);
                    break;
                default:
                    var raw = new SdpLine(type, value.ToString());
                    if (media != null) media.OtherLines.Add(raw); else session.OtherLines.Add(raw);
                    break;
            }
        }
        if (session is null) throw new SdpException("SDP has no lines");
        if (session.Origin is null) throw new SdpException("missing o= line");
        if (!sawSessionName) throw new SdpException("missing s= line");
        if (!sawTime) throw new SdpException("missing t= line");
        return session;
    }

    /// <summary>Parses without throwing; <paramref name="error"/> explains a failure.</summary>
    public static bool TryParse(string sdp, out SessionDescription? description, out SdpException? error)
    {
        try
        {
            description = Parse(sdp);
            error = null;
            return true;
        }
        catch (SdpException e)
        {
            description = null;
            error = e;
            return false;
        }
    }

    private static SdpOrigin ParseOrigin(string value, int line)
    {
        var f = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length != 6) throw new SdpException("o= needs 6 fields: username sess-id sess-version nettype addrtype address", line);
        return new SdpOrigin(f[0], f[1], f[2], f[3], f[4], f[5]);
    }

    private static void ValidateTime(string value, int line)
    {
        var f = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length != 2 || !ulong.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out _)
            || !ulong.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out _))
            throw new SdpException("t= needs two decimal times", line);
    }

    private static SdpConnection ParseConnection(string value, int line)
    {
        var f = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length != 3) throw new SdpException("c= needs 3 fields: nettype addrtype address", line);
        return new SdpConnection(f[0], f[1], f[2]);
    }

    private static MediaDescription ParseMedia(string value, int line)
    {
        var f = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length < 4) throw new SdpException("m= needs at least 4 fields: media port proto fmt", line);
        var portText = f[1].AsSpan();
        int? count = null;
        int slash = portText.IndexOf('/');
        if (slash >= 0)
        {
            if (!int.TryParse(portText.Slice(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1 || n > 65535)
                throw new SdpException("invalid port count in m=", line);
            count = n;
            portText = portText.Slice(0, slash);
        }
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
            throw new SdpException("invalid port in m=", line);
        var m = new MediaDescription { Media = f[0], Port = port, PortCount = count, Protocol = f[2] };
        for (int i = 3; i < f.Length; i++) m.Formats.Add(f[i]);
        return m;
    }

    private static SdpAttribute ParseAttribute(ReadOnlySpan<char> value, int line)
    {
        int colon = value.IndexOf(':');
        var name = colon < 0 ? value : value.Slice(0, colon);
        if (name.IsEmpty) throw new SdpException("empty attribute name", line);
        foreach (char c in name)
            if (c <= ' ' || c >= 0x7F) throw new SdpException("invalid character in attribute name", line);
        return new SdpAttribute(name.ToString(), colon < 0 ? null : value.Slice(colon + 1).ToString());
    }

    private static string Printable(char c) => c < ' ' || c >= 0x7F ? $"\\u{(int)c:X4}" : c.ToString();
}
