using System.Buffers;
using System.Numerics;

namespace WebRtcBridge.MediaRunner.Filters;

/// <summary>
/// "cartoon": box-blurs by <c>smooth</c> (0 = off), quantizes each colour channel to <c>levels</c> evenly spaced
/// values, and paints pixels black (alpha kept) where the Sobel magnitude of the smoothed luma exceeds
/// <c>edge_threshold</c> (0..1443, the largest magnitude being 4*255*sqrt 2).
/// </summary>
public sealed class CartoonFilter : IImageFilter
{
    public static readonly FilterParameter LevelsParameter = new("levels", 6, 2, 32, true, "colour levels per channel");
    public static readonly FilterParameter EdgeThresholdParameter = new("edge_threshold", 120, 0, 1443, false, "Sobel magnitude above which a pixel is an outline");
    public static readonly FilterParameter SmoothParameter = new("smooth", 2, 0, 10, true, "pre-blur radius (0 = none)");

    public CartoonFilter(int levels, double edgeThreshold, int smooth)
    {
        Levels = (int)LevelsParameter.Check(levels);
        EdgeThreshold = EdgeThresholdParameter.Check(edgeThreshold);
        Smooth = (int)SmoothParameter.Check(smooth);
    }

    public string Name => "cartoon";
    public int Levels { get; }
    public double EdgeThreshold { get; }
    public int Smooth { get; }

    public void Apply(ReadOnlySpan<byte> srcRgba, Span<byte> dstRgba, int width, int height, int stride)
    {
        FilterGuard.Check(srcRgba, dstRgba, width, height, stride);
        Span<byte> lut = stackalloc byte[256];
        int steps = Levels - 1;
        for (int v = 0; v < 256; v++)
        {
            int level = (v * steps + 127) / 255;
            lut[v] = (byte)((level * 255 + steps / 2) / steps);
        }
        double t = EdgeThreshold * EdgeThreshold;
        long thresholdSquared = t >= Sobel.MaxSquaredMagnitude ? Sobel.MaxSquaredMagnitude : (long)t;

        int rowBytes = width * 4;
        byte[]? smoothed = null;
        byte[] luma = ArrayPool<byte>.Shared.Rent(width * height);
        int[] magnitudes = ArrayPool<int>.Shared.Rent(width);
        try
        {
            ReadOnlySpan<byte> basis = srcRgba;
            int basisStride = stride;
            if (Smooth > 0)
            {
                smoothed = ArrayPool<byte>.Shared.Rent(rowBytes * height);
                BoxBlur.Apply(srcRgba, smoothed, width, height, stride, Smooth, Vector.IsHardwareAccelerated);
                basis = smoothed.AsSpan(0, rowBytes * height);
                basisStride = rowBytes;
            }
            Sobel.Luma(basis, width, height, basisStride, luma);
            for (int y = 0; y < height; y++)
            {
                Sobel.SquaredMagnitudeRow(luma, width, height, y, magnitudes);
                var src = basis.Slice(y * basisStride, rowBytes);
                var dst = dstRgba.Slice(y * stride, rowBytes);
                for (int x = 0; x < width; x++)
                {
                    int o = x * 4;
                    if (magnitudes[x] > thresholdSquared)
                    {
                        dst[o] = 0; dst[o + 1] = 0; dst[o + 2] = 0;
                    }
                    else
                    {
                        dst[o] = lut[src[o]]; dst[o + 1] = lut[src[o + 1]]; dst[o + 2] = lut[src[o + 2]];
                    }
                    dst[o + 3] = srcRgba[y * stride + o + 3];
                }
            }
        }
        finally
        {
            if (smoothed is not null) ArrayPool<byte>.Shared.Return(smoothed);
            ArrayPool<byte>.Shared.Return(luma);
            ArrayPool<int>.Shared.Return(magnitudes);
        }
    }
}
