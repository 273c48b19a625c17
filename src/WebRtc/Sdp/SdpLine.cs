namespace WebRtcBridge.WebRtc.Sdp;

/// <summary>A raw SDP line kept verbatim for round-trips (i=, u=, e=, p=, b=, r=, z=, k= and unknown types).</summary>
public readonly record struct SdpLine(char Type, string Value)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Type}={Value}";
}

/// <summary>An a= attribute: <c>a=Name</c> when <see cref="Value"/> is null, else <c>a=Name:Value</c>.</summary>
public sealed record SdpAttribute(string Name, string? Value = null)
{
    /// <inheritdoc/>
    public override string ToString() => Value is null ? $"a={Name}" : $"a={Name}:{Value}";
}

/// <summary>o= line (RFC 8866 §5.2).</summary>
public sealed record SdpOrigin(string Username, string SessionId, string SessionVersion, string NetType, string AddrType, string Address)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Username} {SessionId} {SessionVersion} {NetType} {AddrType} {Address}";
}

/// <summary>c= line (RFC 8866 §5.7).</summary>
public sealed record SdpConnection(string NetType, string AddrType, string Address)
{
    /// <summary>IN IP4 / IN IP6 connection for an address string.</summary>
    public static SdpConnection For(string address) =>
        new("IN", address.Contains(':') ? "IP6" : "IP4", address);

    /// <inheritdoc/>
    public override string ToString() => $"{NetType} {AddrType} {Address}";
}
