using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace WebRtcBridge.WebRtc.Ice;

/// <summary>
/// One ICE candidate as carried in SDP <c>a=candidate</c> lines or trickled (RFC 8839 §5.1).
/// <see cref="Address"/> is the connection address text: an IP literal or an FQDN such as an mDNS
/// <c>&lt;uuid&gt;.local</c> name (then <see cref="IpAddress"/> is null). TCP candidates parse but callers
/// that only do UDP ignore them (<see cref="IsUdp"/>).
/// </summary>
public sealed record IceCandidate
{
    /// <summary>Foundation (1..32 ice-chars).</summary>
    public required string Foundation { get; init; }
    /// <summary>Component id; 1 (RTP) for rtcp-mux sessions.</summary>
    public int Component { get; init; } = 1;
    /// <summary>Transport as written, lower-cased ("udp", "tcp").</summary>
    public string Transport { get; init; } = "udp";
    /// <summary>Candidate priority (RFC 8445 §5.1.2).</summary>
    public uint Priority { get; init; }
    /// <summary>Connection address: IP literal or FQDN.</summary>
    public required string Address { get; init; }
    /// <summary>Port.</summary>
    public int Port { get; init; }
    /// <summary>Candidate type.</summary>
    public IceCandidateType Type { get; init; } = IceCandidateType.Host;
    /// <summary>raddr, if present.</summary>
    public string? RelatedAddress { get; init; }
    /// <summary>rport, if present.</summary>
    public int? RelatedPort { get; init; }
    /// <summary>Extension name/value pairs in order (generation, ufrag, network-id, tcptype, ...).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Extensions { get; init; } = [];

    /// <summary>The address as an IP, or null for FQDN/mDNS candidates.</summary>
    public IPAddress? IpAddress => TryParseIpLiteral(Address, out var ip) ? ip : null;

    /// <summary>True for UDP candidates.</summary>
    public bool IsUdp => Transport == "udp";

    /// <summary>True when the address is an mDNS name (ends with ".local"); resolving it needs mDNS.</summary>
    public bool IsMdns => Address.EndsWith(".local", StringComparison.OrdinalIgnoreCase);

    /// <summary>The end point, or null when the address is not an IP literal.</summary>
    public IPEndPoint? EndPoint => IpAddress is { } ip ? new IPEndPoint(ip, Port) : null;

    /// <summary>Type preference for the priority formula: host 126, prflx 110, srflx 100, relay 0 (RFC 8445 §5.1.2.2).</summary>
    public static int TypePreference(IceCandidateType type) => type switch
    {
        IceCandidateType.Host => 126,
        IceCandidateType.PeerReflexive => 110,
        IceCandidateType.ServerReflexive => 100,
        _ => 0,
    };

    /// <summary>Priority = 2^24·typePref + 2^8·localPref + (256 − component) (RFC 8445 §5.1.2.1).</summary>
    public static uint ComputePriority(IceCandidateType type, int localPreference = 65535, int component = 1)
    {
        if (localPreference is < 0 or > 65535) throw new ArgumentOutOfRangeException(nameof(localPreference));
        if (component is < 1 or > 256) throw new ArgumentOutOfRangeException(nameof(component));
        return ((uint)TypePreference(type) << 24) | ((uint)localPreference << 8) | (uint)(256 - component);
    }

    /// <summary>A host UDP candidate for <paramref name="endPoint"/>, component 1.</summary>
    public static IceCandidate CreateHost(IPEndPoint endPoint, string foundation = "1", int localPreference = 65535) => new()
    {
        Foundation = foundation,
        Address = endPoint.Address.ToString(),
        Port = endPoint.Port,
        Priority = ComputePriority(IceCandidateType.Host, localPreference),
    };

    /// <summary>
    /// Parses "candidate:..." with or without a leading "a=" (RFC 8839 §5.1). Returns false on malformed input;
    /// never throws.
    /// </summary>
    public static bool TryParse(string? text, out IceCandidate? candidate)
    {
        candidate = null;
        if (text is null || text.Length > 1024) return false;
        var s = text.AsSpan().Trim();
        if (s.StartsWith("a=")) s = s.Slice(2);
        if (!s.StartsWith("candidate:", StringComparison.OrdinalIgnoreCase)) return false;
        var parts = s.Slice(10).ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 8 || parts[6] != "typ") return false;
        if (parts[0].Length is 0 or > 32 || !IceCredentials.IsValid(parts[0], 1)) return false;
        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int component) || component is < 1 or > 256) return false;
        string transport = parts[2].ToLowerInvariant();
        if (!IsToken(transport)) return false;
        if (!uint.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out uint priority) || priority == 0) return false;
        string address = parts[4];
        if (!IsAddress(address)) return false;
        if (!TryPort(parts[5], out int port)) return false;
        IceCandidateType type;
        switch (parts[7])
        {
            case "host": type = IceCandidateType.Host; break;
            case "srflx": type = IceCandidateType.ServerReflexive; break;
            case "prflx": type = IceCandidateType.PeerReflexive; break;
            case "relay": type = IceCandidateType.Relay; break;
            default: return false;
        }
        string? raddr = null; int? rport = null;
        var ext = new List<KeyValuePair<string, string>>();
        int i = 8;
        if (i + 1 < parts.Length && parts[i] == "raddr")
        {
            if (!IsAddress(parts[i + 1])) return false;
            raddr = parts[i + 1]; i += 2;
        }
        if (i + 1 < parts.Length && parts[i] == "rport")
        {
            if (!TryPort(parts[i + 1], out int rp)) return false;
            rport = rp; i += 2;
        }
        for (; i < parts.Length; i += 2)
        {
            if (i + 1 >= parts.Length || !IsToken(parts[i]) || !IsToken(parts[i + 1]) || ext.Count >= 16) return false;
            ext.Add(new(parts[i], parts[i + 1]));
        }
        candidate = new IceCandidate
        {
            Foundation = parts[0], Component = component, Transport = transport, Priority = priority,
            Address = address, Port = port, Type = type, RelatedAddress = raddr, RelatedPort = rport, Extensions = ext,
        };
        return true;
    }

    /// <summary>Formats as "candidate:..." (no "a=" prefix), the form used in SDP attribute values and trickle.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(96);
        sb.Append("candidate:").Append(Foundation).Append(' ').Append(Component.ToString(CultureInfo.InvariantCulture))
          .Append(' ').Append(Transport).Append(' ').Append(Priority.ToString(CultureInfo.InvariantCulture))
          .Append(' ').Append(Address).Append(' ').Append(Port.ToString(CultureInfo.InvariantCulture))
          .Append(" typ ").Append(Type switch
          {
              IceCandidateType.Host => "host",
              IceCandidateType.ServerReflexive => "srflx",
              IceCandidateType.PeerReflexive => "prflx",
              _ => "relay",
          });
        if (RelatedAddress != null) sb.Append(" raddr ").Append(RelatedAddress);
        if (RelatedPort != null) sb.Append(" rport ").Append(RelatedPort.Value.ToString(CultureInfo.InvariantCulture));
        foreach (var kv in Extensions) sb.Append(' ').Append(kv.Key).Append(' ').Append(kv.Value);
        return sb.ToString();
    }

    /// <summary>
    /// Strict IP literal: dotted-quad IPv4 (exactly four decimal parts, unlike <see cref="IPAddress.TryParse(string, out IPAddress)"/>
    /// which also takes "10.1" or "1234") or an IPv6 address without a scope.
    /// </summary>
    internal static bool TryParseIpLiteral(string s, out IPAddress? ip)
    {
        ip = null;
        if (s.Contains(':'))
        {
            if (s.Contains('%') || !IPAddress.TryParse(s, out ip) || ip.AddressFamily != AddressFamily.InterNetworkV6) { ip = null; return false; }
            return true;
        }
        var parts = s.Split('.');
        if (parts.Length != 4) return false;
        foreach (var p in parts)
            if (p.Length is 0 or > 3 || !p.All(char.IsAsciiDigit) || int.Parse(p, CultureInfo.InvariantCulture) > 255) return false;
        ip = IPAddress.Parse(s);
        return true;
    }

    private static bool TryPort(string s, out int port) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535;

    private static bool IsToken(string s)
    {
        if (s.Length == 0) return false;
        foreach (char c in s)
            if (c <= ' ' || c >= 0x7F) return false;
        return true;
    }

    // IP literal, or a hostname of letters, digits, '-', '.' (RFC 8839 connection-address).
    private static bool IsAddress(string s)
    {
        if (s.Length is 0 or > 255) return false;
        if (s.Contains(':')) return TryParseIpLiteral(s, out _);
        foreach (char c in s)
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '.')) return false;
        return true;
    }
}
