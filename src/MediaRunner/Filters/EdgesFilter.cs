using System.Buffers;

namespace WebRtcBridge.MediaRunner.Filters;

/// <summary>
/// "edges": Sobel gradient magnitude of the BT.601 luma, sqrt(gx^2 + gy^2) rounded and clamped to 255, written as
/// gray (R = G = B); alpha is kept. Borders repeat the edge pixels, so a flat image gives 0 everywhere.
/// </summary>
public sealed class EdgesFilter : IImageFilter
{
    public string Name => "edges";

    public void Apply(ReadOnlySpan<byte> srcRgba, Span<byte> dstRgba, int width, int height, int stride)
    {
        FilterGuard.Check(srcRgba, dstRgba, width, height, stride);
        byte[] luma = ArrayPool<byte>.Shared.Rent(width * height);
        int[] magnitudes = ArrayPool<int>.Shared.Rent(width);
        try
        {
            Sobel.Luma(srcRgba, width, height, stride, luma);
            for (int y = 0; y < height; y++)
            {
                Sobel.SquaredMagnitudeRow(luma, width, height, y, magnitudes);
                var src = srcRgba.Slice(y * stride, width * 4);
                var dst = dstRgba.Slice(y * stride, width * 4);
                for (int x = 0; x < width; x++)
                {
                    int m = magnitudes[x];
                    byte v = m >= 255 * 255 ? (byte)255 : (byte)(MathF.Sqrt(m) + 0.5f);
                    dst[x * 4] = v; dst[x * 4 + 1] = v; dst[x * 4 + 2] = v; dst[x * 4 + 3] = src[x * 4 + 3];
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(luma);
            ArrayPool<int>.Shared.Return(magnitudes);
        }
    }
}
