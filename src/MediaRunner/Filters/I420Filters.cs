using System.Numerics;

namespace WebRtcBridge.MediaRunner.Filters;

/// <summary>
/// Fast paths that apply some filters directly to I420 planes (as decoded from VP8), in place, skipping the
/// I420 -> RGBA -> I420 round trip. Colour maths assume BT.601 limited range (Y 16..235, U/V 16..240 centred on
/// 128), the range VP8 and libyuv's I420ToARGB use. Chroma planes are ((width + 1) / 2) x ((height + 1) / 2).
/// </summary>
public static class I420Filters
{
    /// <summary>
    /// Applies <paramref name="filter"/> in place when it has an I420 fast path (identity, invert, grayscale, mirror)
    /// and returns true; returns false (planes untouched) for every other filter.
    /// </summary>
    public static bool TryApplyInPlace(IImageFilter filter, Span<byte> y, int strideY, Span<byte> u, int strideU,
        Span<byte> v, int strideV, int width, int height)
    {
        switch (filter)
        {
            case IdentityFilter:
                Check(y, strideY, u, strideU, v, strideV, width, height);
                return true;
            case InvertFilter:
                Invert(y, strideY, u, strideU, v, strideV, width, height);
                return true;
            case GrayscaleFilter:
                Grayscale(y, strideY, u, strideU, v, strideV, width, height);
                return true;
            case MirrorFilter:
                Mirror(y, strideY, u, strideU, v, strideV, width, height);
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// RGB inversion expressed in limited-range YUV: Y' = 251 - Y (16 + 235 - Y), U' = 256 - U, V' = 256 - V,
    /// clamped to 0..255.
    /// </summary>
    public static void Invert(Span<byte> y, int strideY, Span<byte> u, int strideU, Span<byte> v, int strideV, int width, int height)
    {
        Check(y, strideY, u, strideU, v, strideV, width, height);
        for (int row = 0; row < height; row++) InvertLuma(y.Slice(row * strideY, width));
        int cw = (width + 1) / 2, ch = (height + 1) / 2;
        for (int row = 0; row < ch; row++)
        {
            InvertChroma(u.Slice(row * strideU, cw));
            InvertChroma(v.Slice(row * strideV, cw));
        }
    }

    /// <summary>Grayscale: Y is already BT.601 luma, so only the chroma planes change (to 128).</summary>
    public static void Grayscale(Span<byte> y, int strideY, Span<byte> u, int strideU, Span<byte> v, int strideV, int width, int height)
    {
        Check(y, strideY, u, strideU, v, strideV, width, height);
        int cw = (width + 1) / 2, ch = (height + 1) / 2;
        for (int row = 0; row < ch; row++)
        {
            u.Slice(row * strideU, cw).Fill(128);
            v.Slice(row * strideV, cw).Fill(128);
        }
    }

    /// <summary>Horizontal flip of every plane (for odd widths the chroma grid shifts by half a luma pixel).</summary>
    public static void Mirror(Span<byte> y, int strideY, Span<byte> u, int strideU, Span<byte> v, int strideV, int width, int height)
    {
        Check(y, strideY, u, strideU, v, strideV, width, height);
        for (int row = 0; row < height; row++) y.Slice(row * strideY, width).Reverse();
        int cw = (width + 1) / 2, ch = (height + 1) / 2;
        for (int row = 0; row < ch; row++)
        {
            u.Slice(row * strideU, cw).Reverse();
            v.Slice(row * strideV, cw).Reverse();
        }
    }

    private static void InvertLuma(Span<byte> row)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var limit = new Vector<byte>(251);
            for (; i <= row.Length - Vector<byte>.Count; i += Vector<byte>.Count)
                (limit - Vector.Min(new Vector<byte>(row[i..]), limit)).CopyTo(row[i..]);
        }
        for (; i < row.Length; i++) row[i] = (byte)(251 - Math.Min(row[i], (byte)251));
    }

    private static void InvertChroma(Span<byte> row)
    {
        // 256 - c, with c = 0 (which would give 256) treated as 1: (byte)(0 - max(c, 1))
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var one = Vector<byte>.One;
            for (; i <= row.Length - Vector<byte>.Count; i += Vector<byte>.Count)
                (Vector<byte>.Zero - Vector.Max(new Vector<byte>(row[i..]), one)).CopyTo(row[i..]);
        }
        for (; i < row.Length; i++) row[i] = (byte)(0 - Math.Max(row[i], (byte)1));
    }

    private static void Check(ReadOnlySpan<byte> y, int strideY, ReadOnlySpan<byte> u, int strideU, ReadOnlySpan<byte> v,
        int strideV, int width, int height)
    {
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), $"invalid size {width}x{height}");
        int cw = (width + 1) / 2, ch = (height + 1) / 2;
        if (strideY < width || strideU < cw || strideV < cw) throw new ArgumentOutOfRangeException(nameof(strideY), "stride too small");
        if (y.Length < (long)strideY * (height - 1) + width) throw new ArgumentException("Y plane too short", nameof(y));
        if (u.Length < (long)strideU * (ch - 1) + cw) throw new ArgumentException("U plane too short", nameof(u));
        if (v.Length < (long)strideV * (ch - 1) + cw) throw new ArgumentException("V plane too short", nameof(v));
    }
}
