using System.Numerics;

namespace WebRtcBridge.MediaRunner.Filters;

/// <summary>
/// Base of per-pixel filters (the output pixel depends only on the input pixel at the same place). Rows are
/// processed with <see cref="System.Numerics.Vector{T}"/> when hardware-accelerated, with a scalar tail; the scalar
/// path computes the identical integer formula, so both give the same bytes.
/// </summary>
public abstract class PointFilter : IImageFilter
{
    public abstract string Name { get; }

    public void Apply(ReadOnlySpan<byte> srcRgba, Span<byte> dstRgba, int width, int height, int stride)
        => Apply(srcRgba, dstRgba, width, height, stride, Vector.IsHardwareAccelerated);

    /// <summary>Same as <see cref="Apply(ReadOnlySpan{byte}, Span{byte}, int, int, int)"/>, choosing the path (for tests and benchmarks).</summary>
    public void Apply(ReadOnlySpan<byte> srcRgba, Span<byte> dstRgba, int width, int height, int stride, bool vectorized)
    {
        FilterGuard.Check(srcRgba, dstRgba, width, height, stride);
        int rowBytes = width * 4;
        if (rowBytes == stride)
        {
            // contiguous rows: one long run
            int total = stride * (height - 1) + rowBytes;
            ProcessRun(srcRgba[..total], dstRgba[..total], vectorized);
            return;
        }
        for (int y = 0; y < height; y++)
            ProcessRun(srcRgba.Slice(y * stride, rowBytes), dstRgba.Slice(y * stride, rowBytes), vectorized);
    }

    /// <summary>Filters a run of whole pixels (length a multiple of 4) from <paramref name="src"/> to <paramref name="dst"/>.</summary>
    protected abstract void ProcessRun(ReadOnlySpan<byte> src, Span<byte> dst, bool vectorized);
}
