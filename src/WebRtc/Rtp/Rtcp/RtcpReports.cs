using System.Buffers.Binary;

namespace WebRtcBridge.WebRtc.Rtp.Rtcp;

/// <summary>SR view (RFC 3550 §6.4.1): sender info, then report blocks.</summary>
public readonly ref struct RtcpSenderReport
{
    private readonly ReadOnlySpan<byte> _data;
    internal RtcpSenderReport(ReadOnlySpan<byte> data) => _data = data;

    internal static bool Validate(ReadOnlySpan<byte> data) => data.Length >= 28 + ReportBlock.Size * (data[0] & 0x1F);

    /// <summary>SSRC of the sender.</summary>
    public uint SenderSsrc => BinaryPrimitives.ReadUInt32BigEndian(_data.Slice(4));
    /// <summary>64-bit NTP timestamp.</summary>
    public ulong NtpTimestamp => BinaryPrimitives.ReadUInt64BigEndian(_data.Slice(8));
    /// <summary>RTP timestamp matching the NTP time.</summary>
    public uint RtpTimestamp => BinaryPrimitives.ReadUInt32BigEndian(_data.Slice(16));
    /// <summary>Sender's packet count.</summary>
    public uint PacketCount => BinaryPrimitives.ReadUInt32BigEndian(_data.Slice(20));
    /// <summary>Sender's payload octet count.</summary>
    public uint OctetCount => BinaryPrimitives.ReadUInt32BigEndian(_data.Slice(24));
    /// <summary>Number of report blocks.</summary>
    public int ReportBlockCount => _data[0] & 0x1F;
    /// <summary>Report block <paramref name="index"/>.</summary>
    public ReportBlock GetReportBlock(int index)
    {
        if ((uint)index >= (uint)ReportBlockCount) throw new ArgumentOutOfRangeException(nameof(index));
        return ReportBlock.Read(_data.Slice(28 + ReportBlock.Size * index));
    }
}

/// <summary>RR view (RFC 3550 §6.4.2).</summary>
public readonly ref struct RtcpReceiverReport
{
    private readonly ReadOnlySpan<byte> _data;
    internal RtcpReceiverReport(ReadOnlySpan<byte> data) => _data = data;

    internal static bool Validate(ReadOnlySpan<byte> data) => data.Length >= 8 + ReportBlock.Size * (data[0] & 0x1F);

    /// <summary>SSRC of the packet sender.</summary>
    public uint SenderSsrc => BinaryPrimitives.ReadUInt32BigEndian(_data.Slice(4));
    /// <summary>Number of report blocks.</summary>
    public int ReportBlockCount => _data[0] & 0x1F;
    /// <summary>Report block <paramref name="index"/>.</summary>
    public ReportBlock GetReportBlock(int index)
    {
        if ((uint)index >= (uint)ReportBlockCount) throw new ArgumentOutOfRangeException(nameof(index));
        return ReportBlock.Read(_data.Slice(8 + ReportBlock.Size * index));
    }
}
