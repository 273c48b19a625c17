using System.Buffers.Binary;

namespace WebRtcBridge.WebRtc.Rtp.Rtcp;

/// <summary>
/// Walks a compound RTCP packet (RFC 3550 §6.1) and yields validated, typed packets. Types it does not know (APP, XR,
/// TWCC, ...) are skipped and counted. A malformed packet ends the walk with <see cref="IsMalformed"/> set; packets
/// yielded before it stay valid. Reduced-size RTCP (RFC 5506: a lone feedback packet, no SR/RR first) is accepted.
/// Never throws on bad input.
/// </summary>
public ref struct RtcpCompoundReader
{
    private readonly ReadOnlySpan<byte> _compound;
    private int _offset;

    /// <summary>Starts reading <paramref name="compound"/> (already SRTCP-unprotected).</summary>
    public RtcpCompoundReader(ReadOnlySpan<byte> compound)
    {
        _compound = compound;
        _offset = 0;
        IsMalformed = compound.IsEmpty;
        SkippedUnknown = 0;
    }

    /// <summary>True when the walk stopped on a malformed packet (or the input was empty).</summary>
    public bool IsMalformed { get; private set; }

    /// <summary>Well-formed packets of types this reader does not interpret.</summary>
    public int SkippedUnknown { get; private set; }

    /// <summary>Yields the next known packet; false at the end or on a malformed packet (see <see cref="IsMalformed"/>).</summary>
    public bool TryReadNext(out RtcpPacket packet)
    {
        packet = default;
        while (!IsMalformed && _offset < _compound.Length)
        {
            var rest = _compound.Slice(_offset);
            if (rest.Length < 4 || (rest[0] >> 6) != 2) { IsMalformed = true; return false; }
            int length = 4 * (BinaryPrimitives.ReadUInt16BigEndian(rest.Slice(2)) + 1);
            if (length > rest.Length) { IsMalformed = true; return false; }
            var data = rest.Slice(0, length);
            _offset += length;
            if ((data[0] & 0x20) != 0)
            {
                int padding = data[^1];
                if (padding == 0 || padding > length - 4) { IsMalformed = true; return false; }
                data = data.Slice(0, length - padding);
            }
            if (!TryClassify(data, out var kind, out bool valid))
            {
                SkippedUnknown++;
                continue;
            }
            if (!valid) { IsMalformed = true; return false; }
            packet = new RtcpPacket(kind, data);
            return true;
        }
        return false;
    }

    private static bool TryClassify(ReadOnlySpan<byte> d, out RtcpPacketKind kind, out bool valid)
    {
        int fmt = d[0] & 0x1F;
        switch (d[1])
        {
            case RtcpConstants.SenderReport:
                kind = RtcpPacketKind.SenderReport; valid = RtcpSenderReport.Validate(d); return true;
            case RtcpConstants.ReceiverReport:
                kind = RtcpPacketKind.ReceiverReport; valid = RtcpReceiverReport.Validate(d); return true;
            case RtcpConstants.SourceDescription:
                kind = RtcpPacketKind.SourceDescription; valid = RtcpSourceDescription.Validate(d); return true;
            case RtcpConstants.Goodbye:
                kind = RtcpPacketKind.Goodbye; valid = RtcpGoodbye.Validate(d); return true;
            case RtcpConstants.TransportFeedback when fmt == RtcpConstants.FmtGenericNack:
                kind = RtcpPacketKind.GenericNack; valid = RtcpGenericNack.Validate(d); return true;
            case RtcpConstants.PayloadFeedback when fmt == RtcpConstants.FmtPli:
                kind = RtcpPacketKind.PictureLossIndication; valid = RtcpPictureLossIndication.Validate(d); return true;
            case RtcpConstants.PayloadFeedback when fmt == RtcpConstants.FmtFir:
                kind = RtcpPacketKind.FullIntraRequest; valid = RtcpFullIntraRequest.Validate(d); return true;
            case RtcpConstants.PayloadFeedback when fmt == RtcpConstants.FmtApplication && RtcpRemb.IsRemb(d):
                kind = RtcpPacketKind.ReceiverEstimatedMaxBitrate; valid = RtcpRemb.Validate(d); return true;
            default:
                kind = default; valid = false; return false;
        }
    }
}
