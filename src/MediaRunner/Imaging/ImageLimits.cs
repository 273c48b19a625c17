namespace WebRtcBridge.MediaRunner.Imaging;

/// <summary>Size limits every decoder checks against the declared size before allocating anything.</summary>
public static class ImageLimits
{
    /// <summary>Largest accepted width or height, in pixels.</summary>
    public const int MaxDimension = 16384;

    /// <summary>Largest accepted pixel count (64 Mpx, i.e. 256 MB of RGBA).</summary>
    public const long MaxPixels = 64L * 1024 * 1024;

    /// <summary>Throws <see cref="ImageFormatException"/> unless the size is within the limits.</summary>
    public static void Check(long width, long height)
    {
        if (width < 1 || height < 1)
            throw new ImageFormatException($"invalid image size {width}x{height}");
        if (width > MaxDimension || height > MaxDimension || width * height > MaxPixels)
            throw new ImageFormatException(
                $"image size {width}x{height} exceeds the limit ({MaxDimension}x{MaxDimension}, {MaxPixels} pixels)");
    }
}
