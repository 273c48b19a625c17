using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace WebRtcBridge.MediaRunner.Filters;

/// <summary>
/// "rotate": turns the image by <c>degrees</c> clockwise (as CSS rotate(); negative = counter-clockwise) about its
/// centre. The output has the input's size: corners that leave the frame are cut off, and pixels not covered by
/// the rotated image are transparent black (0, 0, 0, 0). Multiples of 90 degrees are exact pixel moves (for a
/// non-square image the rotated content is centred, rounding down by half a pixel when width - height is odd);
/// other angles use inverse mapping with bilinear sampling (8-bit weights, two channels per 32-bit multiply), the image's outside counting as
/// transparent black, so the edges are anti-aliased.
/// </summary>
public sealed class RotateFilter : IImageFilter
{
    /// <summary>degrees: -360..360, default 90.</summary>
    public static readonly FilterParameter DegreesParameter = new("degrees", 90, -360, 360, false, "clockwise rotation angle in degrees");

    public RotateFilter(double degrees)
    {
        Degrees = DegreesParameter.Check(degrees);
        double d = Degrees % 360;
        if (d < 0) d += 360;
        NormalizedDegrees = d;
    }

    private static readonly IdentityFilter Identity = new();

    public string Name => "rotate";

    /// <summary>The angle as given.</summary>
    public double Degrees { get; }

    /// <summary>The angle in [0, 360).</summary>
    public double NormalizedDegrees { get; }

    public void Apply(ReadOnlySpan<byte> srcRgba, Span<byte> dstRgba, int width, int height, int stride)
    {
        FilterGuard.Check(srcRgba, dstRgba, width, height, stride);
        double d = NormalizedDegrees;
        const double eps = 1e-9;
        if (Math.Abs(d) < eps || Math.Abs(d - 360) < eps) Identity.Apply(srcRgba, dstRgba, width, height, stride);
        else if (Math.Abs(d - 90) < eps) RightAngle(srcRgba, dstRgba, width, height, stride, 1);
        else if (Math.Abs(d - 180) < eps) Rotate180(srcRgba, dstRgba, width, height, stride);
        else if (Math.Abs(d - 270) < eps) RightAngle(srcRgba, dstRgba, width, height, stride, 3);
        else Bilinear(srcRgba, dstRgba, width, height, stride, d * Math.PI / 180);
    }

    private static void Rotate180(ReadOnlySpan<byte> src, Span<byte> dst, int width, int height, int stride)
    {
        for (int y = 0; y < height; y++)
        {
            var d = dst.Slice(y * stride, width * 4);
            src.Slice((height - 1 - y) * stride, width * 4).CopyTo(d);
            MemoryMarshal.Cast<byte, uint>(d).Reverse();
        }
    }

    /// <summary>quarter = 1: 90 degrees clockwise; 3: 270. Inverse map from the destination pixel (x, y).</summary>
    private static void RightAngle(ReadOnlySpan<byte> src, Span<byte> dst, int width, int height, int stride, int quarter)
    {
        // Clockwise by 90: src = (cx + (y - cy), cy - (x - cx)) with cx = (w-1)/2, cy = (h-1)/2, rounded down.
        int offset = (width - height) >> 1;          // floor((w - h) / 2)
        int sum = (width + height - 2) >> 1;         // floor(cx + cy)
        for (int y = 0; y < height; y++)
        {
            var d = MemoryMarshal.Cast<byte, uint>(dst.Slice(y * stride, width * 4));
            for (int x = 0; x < width; x++)
            {
                int sx, sy;
                if (quarter == 1) { sx = y + offset; sy = sum - x; }
                else { sx = sum - y; sy = x - offset; }
                d[x] = (uint)sx < (uint)width && (uint)sy < (uint)height
                    ? MemoryMarshal.Read<uint>(src.Slice(sy * stride + sx * 4, 4))
                    : 0u;
            }
        }
    }

    private static void Bilinear(ReadOnlySpan<byte> src, Span<byte> dst, int width, int height, int stride, double radians)
    {
        double cos = Math.Cos(radians), sin = Math.Sin(radians);
        double cx = (width - 1) / 2.0, cy = (height - 1) / 2.0;
        // 16.16 fixed point source coordinates, stepped along each destination row.
        int stepX = (int)Math.Round(cos * 65536), stepY = (int)Math.Round(-sin * 65536);
        ref byte origin = ref MemoryMarshal.GetReference(src);
        for (int y = 0; y < height; y++)
        {
            double dy = y - cy;
            int fx = (int)Math.Round((cx - cx * cos + dy * sin) * 65536);
            int fy = (int)Math.Round((cy + cx * sin + dy * cos) * 65536);
            var d = MemoryMarshal.Cast<byte, uint>(dst.Slice(y * stride, width * 4));
            for (int x = 0; x < width; x++, fx += stepX, fy += stepY)
            {
                int ix = fx >> 16, iy = fy >> 16;
                uint p00, p10, p01, p11;
                if ((uint)ix < (uint)(width - 1) && (uint)iy < (uint)(height - 1))
                {
                    ref byte p = ref Unsafe.Add(ref origin, iy * stride + ix * 4);
                    p00 = Unsafe.ReadUnaligned<uint>(ref p);
                    p10 = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref p, 4));
                    p01 = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref p, stride));
                    p11 = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref p, stride + 4));
                }
                else if (ix < -1 || iy < -1 || ix >= width || iy >= height)
                {
                    d[x] = 0;
                    continue;
                }
                else
                {
                    p00 = Fetch(src, width, height, stride, ix, iy);
                    p10 = Fetch(src, width, height, stride, ix + 1, iy);
                    p01 = Fetch(src, width, height, stride, ix, iy + 1);
                    p11 = Fetch(src, width, height, stride, ix + 1, iy + 1);
                }
                int wx = (fx >> 8) & 0xFF, wy = (fy >> 8) & 0xFF;
                d[x] = Lerp(Lerp(p00, p10, wx), Lerp(p01, p11, wx), wy);
            }
        }
    }

    /// <summary>
    /// Per-channel a + (b - a) * w / 256 on packed RGBA, two channels per 32-bit word (R,B and G,A in 16-bit lanes:
    /// 255 * 256 + 128 fits a lane), rounded.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Lerp(uint a, uint b, int w)
    {
        uint wb = (uint)w, wa = 256u - wb;
        uint rb = (((a & 0x00FF00FFu) * wa + (b & 0x00FF00FFu) * wb + 0x00800080u) >> 8) & 0x00FF00FFu;
        uint ga = (((a >> 8) & 0x00FF00FFu) * wa + ((b >> 8) & 0x00FF00FFu) * wb + 0x00800080u) & 0xFF00FF00u;
        return rb | ga;
    }

    private static uint Fetch(ReadOnlySpan<byte> src, int width, int height, int stride, int x, int y)
        => (uint)x < (uint)width && (uint)y < (uint)height ? MemoryMarshal.Read<uint>(src.Slice(y * stride + x * 4, 4)) : 0u;
}
