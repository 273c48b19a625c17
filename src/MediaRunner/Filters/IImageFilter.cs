using WebRtcBridge.MediaRunner.Imaging;

namespace WebRtcBridge.MediaRunner.Filters;

/// <summary>
/// A pixel filter on 8-bit RGBA (R, G, B, A bytes per pixel). Instances are immutable and thread-safe; they hold
/// their parameters only, and per-call scratch comes from <see cref="System.Buffers.ArrayPool{T}"/>.
/// </summary>
public interface IImageFilter
{
    /// <summary>The registry name, e.g. "blur".</summary>
    string Name { get; }

    /// <summary>
    /// Filters <paramref name="srcRgba"/> into <paramref name="dstRgba"/>; both have <paramref name="height"/> rows of
    /// <paramref name="width"/> pixels, <paramref name="stride"/> bytes apart (the last row may be just width*4 bytes).
    /// The spans must not overlap (in-place filtering is not supported): <see cref="ArgumentException"/> otherwise.
    /// Bytes between width*4 and stride in <paramref name="dstRgba"/> are left untouched.
    /// </summary>
    void Apply(ReadOnlySpan<byte> srcRgba, Span<byte> dstRgba, int width, int height, int stride);
}

/// <summary>Conveniences over <see cref="IImageFilter"/>.</summary>
public static class ImageFilterExtensions
{
    /// <summary>Filters <paramref name="source"/> into a new pooled image of the same size and stride (caller disposes).</summary>
    public static RgbaImage Apply(this IImageFilter filter, RgbaImage source)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(source);
        var result = RgbaImage.Rent(source.Width, source.Height, source.Stride);
        try
        {
            filter.Apply(source.Pixels, result.Pixels, source.Width, source.Height, source.Stride);
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }
}
