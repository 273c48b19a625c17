using System.Buffers.Binary;

namespace WebRtcBridge.WebRtc.Rtp.Rtcp;

/// <summary>
/// One validated RTCP packet out of a compound packet (RFC 3550 §6.1). <see cref="Data"/> starts at the common header
/// and excludes padding. The typed views (<see cref="AsSenderReport"/> ...) are valid only for the matching <see cref="Kind"/>.
/// </summary>
public readonly ref struct RtcpPacket
{
    internal RtcpPacket(RtcpPacketKind kind, ReadOnlySpan<byte> data)
    {
        Kind = kind;
        Data = data;
    }

    /// <summary>Which packet this is.</summary>
    public RtcpPacketKind Kind { get; }

    /// <summary>The packet bytes from the common header, without padding.</summary>
    public ReadOnlySpan<byte> Data { get; }

    /// <summary>The 5-bit count / FMT field.</summary>
    public int CountOrFormat => Data[0] & 0x1F;

    /// <summary>Packet type.</summary>
    public byte PacketType => Data[1];

    /// <summary>The SSRC after the common header (for BYE: the first SSRC, 0 if none).</summary>
    public uint SenderSsrc => Data.Length >= 8 ? BinaryPrimitives.ReadUInt32BigEndian(Data.Slice(4)) : 0;

    /// <summary>View as SR.</summary>
    public RtcpSenderReport AsSenderReport() => Expect(RtcpPacketKind.SenderReport, new RtcpSenderReport(Data));
    /// <summary>View as RR.</summary>
    public RtcpReceiverReport AsReceiverReport() => Expect(RtcpPacketKind.ReceiverReport, new RtcpReceiverReport(Data));
    /// <summary>View as SDES.</summary>
    public RtcpSourceDescription AsSourceDescription() => Expect(RtcpPacketKind.SourceDescription, new RtcpSourceDescription(Data));
    /// <summary>View as BYE.</summary>
    public RtcpGoodbye AsGoodbye() => Expect(RtcpPacketKind.Goodbye, new RtcpGoodbye(Data));
    /// <summary>View as generic NACK.</summary>
    public RtcpGenericNack AsGenericNack() => Expect(RtcpPacketKind.GenericNack, new RtcpGenericNack(Data));
    /// <summary>View as PLI.</summary>
    public RtcpPictureLossIndication AsPictureLossIndication() => Expect(RtcpPacketKind.PictureLossIndication, new RtcpPictureLossIndication(Data));
    /// <summary>View as FIR.</summary>
    public RtcpFullIntraRequest AsFullIntraRequest() => Expect(RtcpPacketKind.FullIntraRequest, new RtcpFullIntraRequest(Data));
    /// <summary>View as REMB.</summary>
    public RtcpRemb AsRemb() => Expect(RtcpPacketKind.ReceiverEstimatedMaxBitrate, new RtcpRemb(Data));

    private T Expect<T>(RtcpPacketKind kind, T view) where T : allows ref struct
        => Kind == kind ? view : throw new InvalidOperationException($"packet is {Kind}, not {kind}");
}
