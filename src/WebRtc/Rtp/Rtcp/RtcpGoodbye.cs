using System.Buffers.Binary;

namespace WebRtcBridge.WebRtc.Rtp.Rtcp;

/// <summary>BYE view (RFC 3550 §6.6): SC SSRCs, then an optional length-prefixed reason.</summary>
public readonly ref struct RtcpGoodbye
{
    private readonly ReadOnlySpan<byte> _data;
    internal RtcpGoodbye(ReadOnlySpan<byte> data) => _data = data;

    internal static bool Validate(ReadOnlySpan<byte> data)
    {
        int end = 4 + 4 * (data[0] & 0x1F);
        if (end > data.Length) return false;
        return end == data.Length || end + 1 + data[end] <= data.Length;
    }

    /// <summary>Number of SSRCs leaving.</summary>
    public int SsrcCount => _data[0] & 0x1F;

    /// <summary>SSRC <paramref name="index"/>.</summary>
    public uint GetSsrc(int index)
    {
        if ((uint)index >= (uint)SsrcCount) throw new ArgumentOutOfRangeException(nameof(index));
        return BinaryPrimitives.ReadUInt32BigEndian(_data.Slice(4 + 4 * index));
    }

    /// <summary>The reason text (UTF-8), empty if absent.</summary>
    public ReadOnlySpan<byte> Reason
    {
        get
        {
            int end = 4 + 4 * SsrcCount;
            return end < _data.Length ? _data.Slice(end + 1, _data[end]) : ReadOnlySpan<byte>.Empty;
        }
    }
}
