using System.Buffers.Binary;

namespace WebRtcBridge.WebRtc.Media;

/// <summary>
/// The uncompressed start of a VP8 frame (RFC 6386 §9.1): the 3-byte frame tag, and for keyframes the start code
/// 9D 01 2A plus 14-bit width/height with 2-bit scaling. Also RFC 7741 §4.3 (the "VP8 payload header").
/// </summary>
public readonly record struct Vp8FrameHeader(bool IsKeyFrame, int Version, bool ShowFrame, int FirstPartitionSize,
    int Width, int Height, int HorizontalScale, int VerticalScale)
{
    /// <summary>True when <paramref name="vp8"/> starts with a frame tag whose P bit is 0 (keyframe). Needs one byte.</summary>
    public static bool IsKeyFrameStart(ReadOnlySpan<byte> vp8) => vp8.Length > 0 && (vp8[0] & 0x01) == 0;

    /// <summary>Parses the frame tag and, for keyframes, the dimensions. False when too short or the start code is wrong.</summary>
    public static bool TryParse(ReadOnlySpan<byte> vp8, out Vp8FrameHeader header)
    {
        header = default;
        if (vp8.Length < 3) return false;
        int tag = vp8[0] | vp8[1] << 8 | vp8[2] << 16;
        bool key = (tag & 1) == 0;
        int version = (tag >> 1) & 7;
        bool show = ((tag >> 4) & 1) != 0;
        int firstPartition = tag >> 5;
        if (!key)
        {
            header = new Vp8FrameHeader(false, version, show, firstPartition, 0, 0, 0, 0);
            return true;
        }
        if (vp8.Length < 10 || vp8[3] != 0x9D || vp8[4] != 0x01 || vp8[5] != 0x2A) return false;
        ushort w = BinaryPrimitives.ReadUInt16LittleEndian(vp8[6..]);
        ushort h = BinaryPrimitives.ReadUInt16LittleEndian(vp8[8..]);
        header = new Vp8FrameHeader(true, version, show, firstPartition, w & 0x3FFF, h & 0x3FFF, w >> 14, h >> 14);
        return true;
    }
}
