using System.Numerics;

namespace WebRtcBridge.MediaRunner.Filters;

/// <summary>
/// "blur": box blur of radius <c>radius</c> (a (2r+1)x(2r+1) mean, all channels including alpha), separable, with
/// a running sum so the cost per pixel is independent of the radius. Pixels beyond the edges repeat the edge.
/// </summary>
public sealed class BlurFilter : IImageFilter
{
    /// <summary>radius: integer 1..100, default 4.</summary>
    public static readonly FilterParameter RadiusParameter = new("radius", 4, 1, 100, true, "blur radius in pixels");

    public BlurFilter(int radius)
    {
        Radius = (int)RadiusParameter.Check(radius);
    }

    public string Name => "blur";

    public int Radius { get; }

    public void Apply(ReadOnlySpan<byte> srcRgba, Span<byte> dstRgba, int width, int height, int stride)
        => Apply(srcRgba, dstRgba, width, height, stride, Vector.IsHardwareAccelerated);

    public void Apply(ReadOnlySpan<byte> srcRgba, Span<byte> dstRgba, int width, int height, int stride, bool vectorized)
    {
        FilterGuard.Check(srcRgba, dstRgba, width, height, stride);
        BoxBlur.Apply(srcRgba, dstRgba, width, height, stride, Radius, vectorized);
    }
}
