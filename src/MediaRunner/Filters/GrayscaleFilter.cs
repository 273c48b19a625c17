using System.Numerics;
using System.Runtime.InteropServices;

namespace WebRtcBridge.MediaRunner.Filters;

/// <summary>
/// "grayscale": R = G = B = BT.601 luma Y = 0.299 R + 0.587 G + 0.114 B, computed as (77 R + 150 G + 29 B + 128) >> 8;
/// alpha is kept.
/// </summary>
public sealed class GrayscaleFilter : PointFilter
{
    public override string Name => "grayscale";

    /// <summary>The BT.601 luma of one pixel, as this filter computes it.</summary>
    public static byte Luma(byte r, byte g, byte b) => (byte)((77 * r + 150 * g + 29 * b + 128) >> 8);

    protected override void ProcessRun(ReadOnlySpan<byte> src, Span<byte> dst, bool vectorized)
    {
        var s = MemoryMarshal.Cast<byte, uint>(src);
        var d = MemoryMarshal.Cast<byte, uint>(dst);
        int i = 0;
        if (vectorized)
        {
            var low = new Vector<uint>(0xFF);
            var alpha = new Vector<uint>(0xFF000000u);
            var cr = new Vector<uint>(77);
            var cg = new Vector<uint>(150);
            var cb = new Vector<uint>(29);
            var half = new Vector<uint>(128);
            var spread = new Vector<uint>(0x010101);
            for (; i <= s.Length - Vector<uint>.Count; i += Vector<uint>.Count)
            {
                var p = new Vector<uint>(s[i..]);
                var r = p & low;
                var g = Vector.ShiftRightLogical(p, 8) & low;
                var b = Vector.ShiftRightLogical(p, 16) & low;
                var y = Vector.ShiftRightLogical(r * cr + g * cg + b * cb + half, 8);
                ((p & alpha) | (y * spread)).CopyTo(d[i..]);
            }
        }
        for (; i < s.Length; i++)
        {
            uint p = s[i];
            uint y = ((p & 0xFF) * 77 + ((p >> 8) & 0xFF) * 150 + ((p >> 16) & 0xFF) * 29 + 128) >> 8;
            d[i] = (p & 0xFF000000u) | (y * 0x010101u);
        }
    }
}
