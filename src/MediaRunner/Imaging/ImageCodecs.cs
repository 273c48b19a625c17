namespace WebRtcBridge.MediaRunner.Imaging;

/// <summary>Format detection by magic number and decoding dispatch.</summary>
public static class ImageCodecs
{
    /// <summary>Detects JPEG (FF D8 FF) or PNG (the 8-byte PNG signature); anything else is Unknown.</summary>
    public static ImageFormat Detect(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF) return ImageFormat.Jpeg;
        if (data.StartsWith(PngCodec.Signature)) return ImageFormat.Png;
        return ImageFormat.Unknown;
    }

    /// <summary>
    /// Decodes a JPEG or PNG image to RGBA. Throws <see cref="ImageFormatException"/> on anything else, or when the
    /// declared size exceeds <see cref="ImageLimits"/> or <paramref name="maxPixels"/> (checked before allocating).
    /// </summary>
    public static RgbaImage Decode(ReadOnlySpan<byte> data, long maxPixels = ImageLimits.MaxPixels) => Detect(data) switch
    {
        ImageFormat.Jpeg => JpegCodec.Decode(data, maxPixels),
        ImageFormat.Png => PngCodec.Decode(data, maxPixels),
        _ => throw new ImageFormatException("unknown image format (expected JPEG or PNG)"),
    };
}
