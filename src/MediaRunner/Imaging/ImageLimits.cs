namespace WebRtcBridge.MediaRunner.Imaging;

/// <summary>Size limits every decoder checks against the declared size before allocating anything.</summary>
public static class ImageLimits
{
    /// <summary>Largest accepted width or height, in pixels.</summary>
    public const int MaxDimension = 16384;

    /// <summary>Largest accepted pixel count (64 Mpx, i.e. 256 MB of RGBA).</summary>
    public const long MaxPixels = 64L * 1024 * 1024;

    /// <summary>Throws <see cref="ImageFormatException"/> unless the size is within the limits (and within
    /// <paramref name="maxPixels"/>, which callers may lower, e.g. to the largest frame an app accepts).</summary>
    public static void Check(long width, long height, long maxPixels = MaxPixels)
    {
        if (width < 1 || height < 1)
            throw new ImageFormatException($"invalid image size {width}x{height}");
        long pixels = Math.Min(maxPixels, MaxPixels);
        if (width > MaxDimension || height > MaxDimension || width * height > pixels)
            throw new ImageFormatException(
                $"image size {width}x{height} exceeds the limit ({MaxDimension}x{MaxDimension}, {pixels} pixels)");
    }
}
