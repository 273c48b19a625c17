namespace WebRtcBridge.WebRtc.Rtp.Rtcp;

/// <summary>RTCP packet types (RFC 3550 §12.1, RFC 4585 §6.1) and feedback message types.</summary>
public static class RtcpConstants
{
    /// <summary>Sender report (RFC 3550 §6.4.1).</summary>
    public const byte SenderReport = 200;
    /// <summary>Receiver report (RFC 3550 §6.4.2).</summary>
    public const byte ReceiverReport = 201;
    /// <summary>Source description (RFC 3550 §6.5).</summary>
    public const byte SourceDescription = 202;
    /// <summary>Goodbye (RFC 3550 §6.6).</summary>
    public const byte Goodbye = 203;
    /// <summary>Transport-layer feedback (RFC 4585 §6.2).</summary>
    public const byte TransportFeedback = 205;
    /// <summary>Payload-specific feedback (RFC 4585 §6.3).</summary>
    public const byte PayloadFeedback = 206;

    /// <summary>RTPFB FMT 1: generic NACK (RFC 4585 §6.2.1).</summary>
    public const int FmtGenericNack = 1;
    /// <summary>PSFB FMT 1: picture loss indication (RFC 4585 §6.3.1).</summary>
    public const int FmtPli = 1;
    /// <summary>PSFB FMT 4: full intra request (RFC 5104 §4.3.1).</summary>
    public const int FmtFir = 4;
    /// <summary>PSFB FMT 15: application layer feedback, used by REMB (draft-alvestrand-rmcat-remb §2.2).</summary>
    public const int FmtApplication = 15;

    /// <summary>SDES item CNAME (RFC 3550 §6.5.1).</summary>
    public const byte SdesCname = 1;
}

/// <summary>The RTCP packets <see cref="RtcpCompoundReader"/> yields.</summary>
public enum RtcpPacketKind
{
    /// <summary>SR, PT 200.</summary>
    SenderReport,
    /// <summary>RR, PT 201.</summary>
    ReceiverReport,
    /// <summary>SDES, PT 202.</summary>
    SourceDescription,
    /// <summary>BYE, PT 203.</summary>
    Goodbye,
    /// <summary>Generic NACK, PT 205 FMT 1.</summary>
    GenericNack,
    /// <summary>PLI, PT 206 FMT 1.</summary>
    PictureLossIndication,
    /// <summary>FIR, PT 206 FMT 4.</summary>
    FullIntraRequest,
    /// <summary>REMB, PT 206 FMT 15 with "REMB".</summary>
    ReceiverEstimatedMaxBitrate,
}
