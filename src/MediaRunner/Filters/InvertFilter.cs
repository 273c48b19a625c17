using System.Numerics;
using System.Runtime.InteropServices;

namespace WebRtcBridge.MediaRunner.Filters;

/// <summary>"invert": R, G, B become 255 minus themselves; alpha is kept.</summary>
public sealed class InvertFilter : PointFilter
{
    public override string Name => "invert";

    protected override void ProcessRun(ReadOnlySpan<byte> src, Span<byte> dst, bool vectorized)
    {
        // 255 - v == v ^ 0xFF; little-endian pixel word is A<<24 | B<<16 | G<<8 | R.
        var s = MemoryMarshal.Cast<byte, uint>(src);
        var d = MemoryMarshal.Cast<byte, uint>(dst);
        int i = 0;
        if (vectorized)
        {
            var mask = new Vector<uint>(0x00FFFFFFu);
            for (; i <= s.Length - Vector<uint>.Count; i += Vector<uint>.Count)
                (new Vector<uint>(s[i..]) ^ mask).CopyTo(d[i..]);
        }
        for (; i < s.Length; i++) d[i] = s[i] ^ 0x00FFFFFFu;
    }
}
