namespace WebRtcBridge.WebRtc.Sdp;

/// <summary>Media direction attribute (RFC 8866 §6.7), from the point of view of the description's author.</summary>
public enum SdpDirection
{
    SendRecv,
    SendOnly,
    RecvOnly,
    Inactive,
}

/// <summary>DTLS role attribute a=setup (RFC 4145 §4, RFC 8842 §5).</summary>
public enum DtlsSetupRole
{
    /// <summary>"active": this side sends the ClientHello (DTLS client).</summary>
    Active,
    /// <summary>"passive": this side waits for the ClientHello (DTLS server).</summary>
    Passive,
    /// <summary>"actpass": offerer lets the answerer choose.</summary>
    ActPass,
}

/// <summary>Text forms of <see cref="SdpDirection"/> and <see cref="DtlsSetupRole"/>.</summary>
public static class SdpEnumText
{
    /// <summary>"sendrecv", "sendonly", "recvonly" or "inactive".</summary>
    public static string ToSdp(this SdpDirection d) => d switch
    {
        SdpDirection.SendOnly => "sendonly",
        SdpDirection.RecvOnly => "recvonly",
        SdpDirection.Inactive => "inactive",
        _ => "sendrecv",
    };

    /// <summary>"active", "passive" or "actpass".</summary>
    public static string ToSdp(this DtlsSetupRole r) => r switch
    {
        DtlsSetupRole.Active => "active",
        DtlsSetupRole.Passive => "passive",
        _ => "actpass",
    };

    /// <summary>The direction the other side answers with (JSEP §5.3.1: sendonly ↔ recvonly).</summary>
    public static SdpDirection Reverse(this SdpDirection d) => d switch
    {
        SdpDirection.SendOnly => SdpDirection.RecvOnly,
        SdpDirection.RecvOnly => SdpDirection.SendOnly,
        _ => d,
    };

    /// <summary>True when the author of the description sends media.</summary>
    public static bool Sends(this SdpDirection d) => d is SdpDirection.SendRecv or SdpDirection.SendOnly;

    /// <summary>True when the author of the description receives media.</summary>
    public static bool Receives(this SdpDirection d) => d is SdpDirection.SendRecv or SdpDirection.RecvOnly;
}
