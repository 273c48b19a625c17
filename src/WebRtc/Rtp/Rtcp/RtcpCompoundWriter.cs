using System.Buffers.Binary;

namespace WebRtcBridge.WebRtc.Rtp.Rtcp;

/// <summary>
/// Packs RTCP packets one after another into a caller's buffer, forming a compound packet (RFC 3550 §6.1). Each
/// Write method returns false, writing nothing, when the packet does not fit or its arguments cannot be encoded.
/// Put SR or RR first for periodic reports; a lone feedback packet is fine with rtcp-rsize (RFC 5506).
/// </summary>
public ref struct RtcpCompoundWriter
{
    private readonly Span<byte> _buffer;
    private int _length;

    /// <summary>Writes into <paramref name="buffer"/> from offset 0.</summary>
    public RtcpCompoundWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _length = 0;
    }

    /// <summary>Bytes written so far.</summary>
    public readonly int Length => _length;

    /// <summary>The compound packet written so far.</summary>
    public readonly ReadOnlySpan<byte> Written => _buffer.Slice(0, _length);

    private bool Begin(int size, int countOrFmt, byte packetType, out Span<byte> p)
    {
        p = default;
        if (size % 4 != 0 || size > _buffer.Length - _length || countOrFmt > 31) return false;
        p = _buffer.Slice(_length, size);
        p[0] = (byte)(0x80 | countOrFmt);
        p[1] = packetType;
        BinaryPrimitives.WriteUInt16BigEndian(p.Slice(2), (ushort)(size / 4 - 1));
        _length += size;
        return true;
    }

    /// <summary>SR (RFC 3550 §6.4.1) with up to 31 report blocks.</summary>
    public bool WriteSenderReport(uint ssrc, ulong ntpTimestamp, uint rtpTimestamp, uint packetCount, uint octetCount, scoped ReadOnlySpan<ReportBlock> blocks)
    {
        if (!Begin(28 + ReportBlock.Size * blocks.Length, blocks.Length, RtcpConstants.SenderReport, out var p)) return false;
        BinaryPrimitives.WriteUInt32BigEndian(p.Slice(4), ssrc);
        BinaryPrimitives.WriteUInt64BigEndian(p.Slice(8), ntpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(p.Slice(16), rtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(p.Slice(20), packetCount);
        BinaryPrimitives.WriteUInt32BigEndian(p.Slice(24), octetCount);
        for (int i = 0; i < blocks.Length; i++) blocks[i].Write(p.Slice(28 + ReportBlock.Size * i));
        return true;
    }

    /// <summary>RR (RFC 3550 §6.4.2) with up to 31 report blocks (0 is valid: an empty RR).</summary>
    public bool WriteReceiverReport(uint ssrc, scoped ReadOnlySpan<ReportBlock> blocks)
    {
        if (!Begin(8 + ReportBlock.Size * blocks.Length, blocks.Length, RtcpConstants.ReceiverReport, out var p)) return false;
        BinaryPrimitives.WriteUInt32BigEndian(p.Slice(4), ssrc);
        for (int i = 0; i < blocks.Length; i++) blocks[i].Write(p.Slice(8 + ReportBlock.Size * i));
        return true;
    }

    /// <summary>SDES with one chunk holding a CNAME item (RFC 3550 §6.5.1); CNAME at most 255 bytes of UTF-8.</summary>
    public bool WriteSourceDescriptionCname(uint ssrc, scoped ReadOnlySpan<byte> cname)
    {
        if (cname.Length > 255) return false;
        int chunk = 4 + 2 + cname.Length + 1; // SSRC, type, length, text, null item
        chunk = (chunk + 3) & ~3;
        if (!Begin(4 + chunk, 1, RtcpConstants.SourceDescription, out var p)) return false;
        p.Slice(4).Clear();
        BinaryPrimitives.WriteUInt32BigEndian(p.Slice(4), ssrc);
        p[8] = RtcpConstants.SdesCname;
        p[9] = (byte)cname.Length;
        cname.CopyTo(p.Slice(10));
        return true;
    }

    /// <summary>BYE (RFC 3550 §6.6) for up to 31 SSRCs with an optional reason (≤ 255 bytes).</summary>
    public bool WriteGoodbye(scoped ReadOnlySpan<uint> ssrcs, scoped ReadOnlySpan<byte> reason = default)
    {
        if (reason.Length > 255) return false;
        int size = 4 + 4 * ssrcs.Length + (reason.IsEmpty ? 0 : (1 + reason.Length + 3) & ~3);
        if (!Begin(size, ssrcs.Length, RtcpConstants.Goodbye, out var p)) return false;
        for (int i = 0; i < ssrcs.Length; i++) BinaryPrimitives.WriteUInt32BigEndian(p.Slice(4 + 4 * i), ssrcs[i]);
        if (!reason.IsEmpty)
        {
            var r = p.Slice(4 + 4 * ssrcs.Length);
            r.Clear();
            r[0] = (byte)reason.Length;
            reason.CopyTo(r.Slice(1));
        }
        return true;
    }

    /// <summary>
    /// Generic NACK (RFC 4585 §6.2.1) for <paramref name="lostSequenceNumbers"/> (ascending, in wrap order): each
    /// entry's PID is the first uncovered number and BLP covers the next 16.
    /// </summary>
    public bool WriteGenericNack(uint senderSsrc, uint mediaSsrc, scoped ReadOnlySpan<ushort> lostSequenceNumbers)
    {
        if (lostSequenceNumbers.IsEmpty) return false;
        int entries = 0;
        for (int i = 0; i < lostSequenceNumbers.Length;)
        {
            ushort pid = lostSequenceNumbers[i++];
            while (i < lostSequenceNumbers.Length && (ushort)(lostSequenceNumbers[i] - pid) is >= 1 and <= 16) i++;
            entries++;
        }
        if (!Begin(12 + 4 * entries, RtcpConstants.FmtGenericNack, RtcpConstants.TransportFeedback, out var p)) return false;
        BinaryPrimitives.WriteUInt32BigEndian(p.Slice(4), senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(p.Slice(8), mediaSsrc);
        int at = 12;
        for (int i = 0; i < lostSequenceNumbers.Length;)
        {
            ushort pid = lostSequenceNumbers[i++];
            ushort blp = 0;
            while (i < lostSequenceNumbers.Length && (ushort)(lostSequenceNumbers[i] - pid) is >= 1 and <= 16 and var d)
            {
                blp |= (ushort)(1 << (d - 1));
                i++;
            }
            BinaryPrimitives.WriteUInt16BigEndian(p.Slice(at), pid);
            BinaryPrimitives.WriteUInt16BigEndian(p.Slice(at + 2), blp);
            at += 4;
        }
        return true;
    }

    /// <summary>PLI (RFC 4585 §6.3.1).</summary>
    public bool WritePictureLossIndication(uint senderSsrc, uint mediaSsrc)
    {
        if (!Begin(12, RtcpConstants.FmtPli, RtcpConstants.PayloadFeedback, out var p)) return false;
        BinaryPrimitives.WriteUInt32BigEndian(p.Slice(4), senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(p.Slice(8), mediaSsrc);
        return true;
    }

    /// <summary>FIR (RFC 5104 §4.3.1): media SSRC 0 and one entry per requested stream.</summary>
    public bool WriteFullIntraRequest(uint senderSsrc, scoped ReadOnlySpan<FirEntry> entries)
    {
        if (entries.IsEmpty) return false;
        if (!Begin(12 + 8 * entries.Length, RtcpConstants.FmtFir, RtcpConstants.PayloadFeedback, out var p)) return false;
        BinaryPrimitives.WriteUInt32BigEndian(p.Slice(4), senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(p.Slice(8), 0);
        for (int i = 0; i < entries.Length; i++)
        {
            var e = p.Slice(12 + 8 * i, 8);
            BinaryPrimitives.WriteUInt32BigEndian(e, entries[i].Ssrc);
            e[4] = entries[i].SequenceNumber;
            e[5] = 0; e[6] = 0; e[7] = 0;
        }
        return true;
    }

    /// <summary>REMB (draft-alvestrand-rmcat-remb §2.2): <paramref name="bitrateBps"/> as 18-bit mantissa · 2^exp (rounded down).</summary>
    public bool WriteRemb(uint senderSsrc, ulong bitrateBps, scoped ReadOnlySpan<uint> ssrcs)
    {
        if (ssrcs.Length > 255) return false;
        if (!Begin(20 + 4 * ssrcs.Length, RtcpConstants.FmtApplication, RtcpConstants.PayloadFeedback, out var p)) return false;
        int exp = 0;
        while ((bitrateBps >> exp) > 0x3FFFF) exp++;
        uint mantissa = (uint)(bitrateBps >> exp);
        BinaryPrimitives.WriteUInt32BigEndian(p.Slice(4), senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(p.Slice(8), 0);
        p[12] = (byte)'R'; p[13] = (byte)'E'; p[14] = (byte)'M'; p[15] = (byte)'B';
        p[16] = (byte)ssrcs.Length;
        p[17] = (byte)((exp << 2) | (int)(mantissa >> 16));
        p[18] = (byte)(mantissa >> 8);
        p[19] = (byte)mantissa;
        for (int i = 0; i < ssrcs.Length; i++) BinaryPrimitives.WriteUInt32BigEndian(p.Slice(20 + 4 * i), ssrcs[i]);
        return true;
    }
}
