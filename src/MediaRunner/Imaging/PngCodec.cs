using System.Buffers;
using System.IO.Compression;

namespace WebRtcBridge.MediaRunner.Imaging;

/// <summary>
/// PNG decoding (every colour type and bit depth, tRNS, Adam7, CRC-checked; output 8-bit RGBA, 16-bit samples
/// keep their high byte) and encoding (8-bit RGBA, adaptive filtering). Managed, on <see cref="ZLibStream"/>.
/// Malformed input throws <see cref="ImageFormatException"/> and nothing else.
/// </summary>
public static class PngCodec
{
    /// <summary>The 8-byte PNG signature (W3C PNG §5.2).</summary>
    public static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Decodes a PNG into a new RGBA image; images over <paramref name="maxPixels"/> are rejected before allocating.</summary>
    public static RgbaImage Decode(ReadOnlySpan<byte> png, long maxPixels = ImageLimits.MaxPixels) => PngDecoder.Decode(png, maxPixels);

    /// <summary>Reads the declared width and height from IHDR.</summary>
    public static (int Width, int Height) ReadSize(ReadOnlySpan<byte> png) => PngDecoder.ReadSize(png);

    /// <summary>Encodes <paramref name="image"/> as an 8-bit RGBA PNG appended to <paramref name="output"/>.</summary>
    public static void Encode(RgbaImage image, IBufferWriter<byte> output, CompressionLevel level = CompressionLevel.Fastest)
        => Encode(image.Pixels, image.Width, image.Height, image.Stride, output, level);

    /// <summary>Encodes <paramref name="image"/> into a new array.</summary>
    public static byte[] Encode(RgbaImage image, CompressionLevel level = CompressionLevel.Fastest)
    {
        var writer = new ArrayBufferWriter<byte>();
        Encode(image, writer, level);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>Encodes raw RGBA rows as an 8-bit RGBA PNG appended to <paramref name="output"/>.</summary>
    public static void Encode(ReadOnlySpan<byte> rgba, int width, int height, int stride, IBufferWriter<byte> output,
        CompressionLevel level = CompressionLevel.Fastest)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (width < 1 || height < 1 || width > ImageLimits.MaxDimension || height > ImageLimits.MaxDimension)
            throw new ArgumentOutOfRangeException(nameof(width), $"size {width}x{height} out of range");
        if (stride < width * 4 || rgba.Length < (long)stride * (height - 1) + width * 4)
            throw new ArgumentException("pixel span too short for the given size and stride", nameof(rgba));
        PngEncoder.Encode(rgba, width, height, stride, output, level);
    }
}
