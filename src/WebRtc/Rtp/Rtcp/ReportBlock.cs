using System.Buffers.Binary;

namespace WebRtcBridge.WebRtc.Rtp.Rtcp;

/// <summary>A 24-byte reception report block of an SR or RR (RFC 3550 §6.4.1).</summary>
public readonly record struct ReportBlock(
    uint Ssrc,
    byte FractionLost,
    int CumulativeLost,
    uint ExtendedHighestSequence,
    uint Jitter,
    uint LastSenderReport,
    uint DelaySinceLastSenderReport)
{
    /// <summary>Encoded size in bytes.</summary>
    public const int Size = 24;

    /// <summary>Reads a block; <paramref name="source"/> must hold 24 bytes.</summary>
    public static ReportBlock Read(ReadOnlySpan<byte> source)
    {
        uint lossWord = BinaryPrimitives.ReadUInt32BigEndian(source.Slice(4));
        int cumulative = (int)(lossWord << 8) >> 8; // 24-bit signed
        return new ReportBlock(
            BinaryPrimitives.ReadUInt32BigEndian(source),
            (byte)(lossWord >> 24),
            cumulative,
            BinaryPrimitives.ReadUInt32BigEndian(source.Slice(8)),
            BinaryPrimitives.ReadUInt32BigEndian(source.Slice(12)),
            BinaryPrimitives.ReadUInt32BigEndian(source.Slice(16)),
            BinaryPrimitives.ReadUInt32BigEndian(source.Slice(20)));
    }

    /// <summary>Writes the block (cumulative lost clamped to 24-bit signed) into 24 bytes.</summary>
    public void Write(Span<byte> destination)
    {
        int lost = Math.Clamp(CumulativeLost, -0x80_0000, 0x7F_FFFF);
        BinaryPrimitives.WriteUInt32BigEndian(destination, Ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(4), ((uint)FractionLost << 24) | ((uint)lost & 0xFF_FFFF));
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(8), ExtendedHighestSequence);
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(12), Jitter);
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(16), LastSenderReport);
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(20), DelaySinceLastSenderReport);
    }
}

/// <summary>One FIR entry (RFC 5104 §4.3.1.1): the media sender's SSRC and the request sequence number.</summary>
public readonly record struct FirEntry(uint Ssrc, byte SequenceNumber);

/// <summary>One generic NACK FCI entry (RFC 4585 §6.2.1): PID, and BLP whose bit i means PID+i+1 is lost too.</summary>
public readonly record struct NackEntry(ushort PacketId, ushort LostBitmask);
