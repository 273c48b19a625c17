namespace WebRtcBridge.WebRtc;

/// <summary>
/// A snapshot of one connection's counters, named after W3C webrtc-stats (inbound-rtp, outbound-rtp, candidate-pair,
/// transport), plus our own drop counters.
/// </summary>
public sealed record PeerConnectionStats
{
    /// <summary>Connection state when the snapshot was taken.</summary>
    public PeerConnectionState State { get; init; }
    // ---- inbound-rtp ----
    /// <summary>inbound framesReceived: complete frames assembled.</summary>
    public long FramesReceived { get; init; }
    /// <summary>inbound framesDecoded.</summary>
    public long FramesDecoded { get; init; }
    /// <summary>inbound totalDecodeTime: seconds spent decoding.</summary>
    public double TotalDecodeTime { get; init; }
    /// <summary>outbound totalEncodeTime: seconds spent encoding.</summary>
    public double TotalEncodeTime { get; init; }
    /// <summary>inbound keyFramesDecoded.</summary>
    public long KeyFramesDecoded { get; init; }
    /// <summary>inbound framesDropped: frames given up by the assembler (loss), refused by the size limits, or rejected by the decoder.</summary>
    public long FramesDropped { get; init; }
    /// <summary>Keyframes dropped before decoding for exceeding <see cref="PeerConnectionOptions.MaxFrameWidth"/> x <see cref="PeerConnectionOptions.MaxFrameHeight"/>.</summary>
    public long FramesDroppedTooLarge { get; init; }
    /// <summary>Keyframes dropped before decoding because their new size exceeded <see cref="PeerConnectionOptions.MaxSizeChangesPerMinute"/>.</summary>
    public long FramesDroppedSizeChanges { get; init; }
    /// <summary>inbound packetsReceived (SRTP-authenticated RTP of the negotiated payload type).</summary>
    public long PacketsReceived { get; init; }
    /// <summary>inbound packetsLost (RFC 3550 cumulative lost).</summary>
    public long PacketsLost { get; init; }
    /// <summary>inbound jitter in seconds.</summary>
    public double Jitter { get; init; }
    /// <summary>inbound nackCount: NACKed sequence numbers we sent.</summary>
    public long NackCount { get; init; }
    /// <summary>inbound pliCount: PLIs we sent.</summary>
    public long PliCount { get; init; }
    /// <summary>FIRs received from the peer (outbound firCount).</summary>
    public long FirCount { get; init; }
    /// <summary>inbound bytesReceived: RTP payload bytes.</summary>
    public long BytesReceived { get; init; }
    // ---- outbound-rtp ----
    /// <summary>outbound framesEncoded.</summary>
    public long FramesEncoded { get; init; }
    /// <summary>outbound keyFramesEncoded.</summary>
    public long KeyFramesEncoded { get; init; }
    /// <summary>outbound framesSent (encoded or pre-encoded frames packetized and sent).</summary>
    public long FramesSent { get; init; }
    /// <summary>outbound packetsSent (first transmissions and retransmissions).</summary>
    public long PacketsSent { get; init; }
    /// <summary>outbound bytesSent: RTP payload bytes.</summary>
    public long BytesSent { get; init; }
    /// <summary>outbound retransmittedPacketsSent (answers to NACK).</summary>
    public long RetransmittedPacketsSent { get; init; }
    /// <summary>NACKed sequence numbers received from the peer (outbound nackCount).</summary>
    public long NackReceivedCount { get; init; }
    /// <summary>PLIs received from the peer (outbound pliCount).</summary>
    public long PliReceivedCount { get; init; }
    /// <summary>Frames handed to SendFrame while not connected (not sent).</summary>
    public long FramesNotSent { get; init; }
    // ---- candidate-pair / remote-inbound ----
    /// <summary>roundTripTime in seconds from the last report block about our stream (LSR/DLSR), null before one arrived.</summary>
    public double? RoundTripTime { get; init; }
    /// <summary>availableOutgoingBitrate in bit/s: the last REMB received, clamped to our min/max (null before one).</summary>
    public double? AvailableOutgoingBitrate { get; init; }
    /// <summary>Current encoder target bitrate in kbit/s.</summary>
    public int EncoderBitrateKbps { get; init; }
    // ---- transport / drops ----
    /// <summary>SRTP/SRTCP packets that failed authentication.</summary>
    public long SrtpAuthFailures { get; init; }
    /// <summary>SRTP replays dropped.</summary>
    public long SrtpReplayDrops { get; init; }
    /// <summary>Malformed datagrams dropped (unknown first byte, bad RTP/RTCP/STUN/DTLS framing, bad VP8 descriptor).</summary>
    public long MalformedPackets { get; init; }
    /// <summary>Datagrams dropped because they came from an address ICE has not validated.</summary>
    public long UnknownSourceDrops { get; init; }
    /// <summary>UDP datagrams received.</summary>
    public long DatagramsReceived { get; init; }
    /// <summary>UDP datagrams sent.</summary>
    public long DatagramsSent { get; init; }
    /// <summary>RTCP BYE packets received.</summary>
    public long ByeReceived { get; init; }
    // ---- abuse limits ----
    /// <summary>NACKed packets not resent because retransmissions had used their byte budget (half the send bitrate, one second of burst).</summary>
    public long RetransmissionsOverBudget { get; init; }
    /// <summary>NACKed packets not resent because they had been resent the maximum number of times (3) already.</summary>
    public long RetransmissionsOverPacketLimit { get; init; }
    /// <summary>STUN requests dropped silently for missing or wrong credentials (no error response to any source).</summary>
    public long StunUnauthenticatedDrops { get; init; }
    /// <summary>Authenticated STUN requests replayed from another address, dropped.</summary>
    public long StunReplayDrops { get; init; }
    /// <summary>Nominations of an address the peer had not proved it receives on (media stayed where it was).</summary>
    public long NominationsDeferred { get; init; }
}
