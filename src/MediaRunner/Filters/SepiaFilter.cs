using System.Numerics;
using System.Runtime.InteropServices;

namespace WebRtcBridge.MediaRunner.Filters;

/// <summary>
/// "sepia": the classic sepia matrix (R' = .393R + .769G + .189B, G' = .349R + .686G + .168B,
/// B' = .272R + .534G + .131B) in 8-bit fixed point, clamped to 255; alpha is kept.
/// </summary>
public sealed class SepiaFilter : PointFilter
{
    public override string Name => "sepia";

    // coefficients * 256
    private const uint RR = 101, RG = 197, RB = 48;
    private const uint GR = 89, GG = 176, GB = 43;
    private const uint BR = 70, BG = 137, BB = 33;

    protected override void ProcessRun(ReadOnlySpan<byte> src, Span<byte> dst, bool vectorized)
    {
        var s = MemoryMarshal.Cast<byte, uint>(src);
        var d = MemoryMarshal.Cast<byte, uint>(dst);
        int i = 0;
        if (vectorized)
        {
            var low = new Vector<uint>(0xFF);
            var alpha = new Vector<uint>(0xFF000000u);
            var half = new Vector<uint>(128);
            for (; i <= s.Length - Vector<uint>.Count; i += Vector<uint>.Count)
            {
                var p = new Vector<uint>(s[i..]);
                var r = p & low;
                var g = Vector.ShiftRightLogical(p, 8) & low;
                var b = Vector.ShiftRightLogical(p, 16) & low;
                var r2 = Vector.Min(Vector.ShiftRightLogical(r * RR + g * RG + b * RB + half, 8), low);
                var g2 = Vector.Min(Vector.ShiftRightLogical(r * GR + g * GG + b * GB + half, 8), low);
                var b2 = Vector.Min(Vector.ShiftRightLogical(r * BR + g * BG + b * BB + half, 8), low);
                ((p & alpha) | r2 | Vector.ShiftLeft(g2, 8) | Vector.ShiftLeft(b2, 16)).CopyTo(d[i..]);
            }
        }
        for (; i < s.Length; i++)
        {
            uint p = s[i];
            uint r = p & 0xFF, g = (p >> 8) & 0xFF, b = (p >> 16) & 0xFF;
            uint r2 = Math.Min((r * RR + g * RG + b * RB + 128) >> 8, 255);
            uint g2 = Math.Min((r * GR + g * GG + b * GB + 128) >> 8, 255);
            uint b2 = Math.Min((r * BR + g * BG + b * BB + 128) >> 8, 255);
            d[i] = (p & 0xFF000000u) | r2 | g2 << 8 | b2 << 16;
        }
    }
}
