namespace WebRtcBridge.WebRtc.Transport;

/// <summary>
/// First-byte demultiplexing of STUN, DTLS and RTP/RTCP sharing one UDP port (RFC 7983 §7), and RTP versus
/// RTCP by the second byte (RFC 5761 §4). Datagrams too short to be a header of their kind are Unknown.
/// </summary>
public static class PacketClassifier
{
    /// <summary>Minimum lengths: STUN header 20, DTLS record header 13, RTP header 12, RTCP header 8.</summary>
    private const int MinStun = 20, MinDtls = 13, MinRtp = 12, MinRtcp = 8;

    /// <summary>Classifies one datagram by its first (and for RTP/RTCP second) byte.</summary>
    public static PacketKind Classify(ReadOnlySpan<byte> datagram)
    {
        if (datagram.IsEmpty) return PacketKind.Unknown;
        byte b = datagram[0];
        if (b <= 3) return datagram.Length >= MinStun ? PacketKind.Stun : PacketKind.Unknown;
        if (b >= 20 && b <= 63) return datagram.Length >= MinDtls ? PacketKind.Dtls : PacketKind.Unknown;
        if (b >= 128 && b <= 191)
        {
            if (datagram.Length < MinRtcp) return PacketKind.Unknown;
            byte pt = datagram[1];
            // RFC 5761 §4: RTCP packet types 192..223 occupy what would be RTP marker+PT 64..95.
            if (pt >= 192 && pt <= 223) return PacketKind.Rtcp;
            return datagram.Length >= MinRtp ? PacketKind.Rtp : PacketKind.Unknown;
        }
        return PacketKind.Unknown; // 64..79 TURN channels (not used), everything else
    }
}
