namespace WebRtcBridge.WebRtc.Transport;

/// <summary>What a datagram on the shared UDP port carries (RFC 7983 §7).</summary>
public enum PacketKind
{
    /// <summary>Anything else (including TURN channel data 64..79): drop and count.</summary>
    Unknown = 0,
    /// <summary>STUN (first byte 0..3).</summary>
    Stun,
    /// <summary>DTLS record (first byte 20..63).</summary>
    Dtls,
    /// <summary>RTP (first byte 128..191, second byte outside 192..223).</summary>
    Rtp,
    /// <summary>RTCP (first byte 128..191, second byte 192..223; RFC 5761 §4).</summary>
    Rtcp,
}
