using System.Buffers.Binary;

namespace WebRtcBridge.MediaRunner.Imaging;

/// <summary>The IHDR chunk (W3C PNG §11.2.2), validated.</summary>
internal readonly record struct PngHeader(int Width, int Height, int BitDepth, PngColorType ColorType, bool Interlaced)
{
    /// <summary>Samples per pixel of the colour type.</summary>
    public int Channels => ColorType switch
    {
        PngColorType.Gray or PngColorType.Palette => 1,
        PngColorType.GrayAlpha => 2,
        PngColorType.Rgb => 3,
        _ => 4,
    };

    /// <summary>Bits per pixel.</summary>
    public int BitsPerPixel => Channels * BitDepth;

    /// <summary>The filter unit: bytes per complete pixel, at least 1 (W3C PNG §9.2).</summary>
    public int FilterBytesPerPixel => Math.Max(1, BitsPerPixel / 8);

    /// <summary>Bytes of one scanline of <paramref name="pixels"/> pixels, without the filter-type byte.</summary>
    public long RowBytes(int pixels) => ((long)pixels * BitsPerPixel + 7) / 8;

    public static PngHeader Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length != 13) throw new ImageFormatException("IHDR chunk must be 13 bytes");
        uint width = BinaryPrimitives.ReadUInt32BigEndian(data);
        uint height = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        int depth = data[8];
        var color = (PngColorType)data[9];
        if (data[10] != 0) throw new ImageFormatException($"unknown PNG compression method {data[10]}");
        if (data[11] != 0) throw new ImageFormatException($"unknown PNG filter method {data[11]}");
        if (data[12] > 1) throw new ImageFormatException($"unknown PNG interlace method {data[12]}");
        if (width > int.MaxValue || height > int.MaxValue) throw new ImageFormatException("PNG size out of range");
        ImageLimits.Check(width, height);
        bool depthOk = color switch
        {
            PngColorType.Gray => depth is 1 or 2 or 4 or 8 or 16,
            PngColorType.Palette => depth is 1 or 2 or 4 or 8,
            PngColorType.Rgb or PngColorType.GrayAlpha or PngColorType.Rgba => depth is 8 or 16,
            _ => throw new ImageFormatException($"invalid PNG colour type {(int)color}"),
        };
        if (!depthOk) throw new ImageFormatException($"invalid bit depth {depth} for PNG colour type {color}");
        return new PngHeader((int)width, (int)height, depth, color, data[12] == 1);
    }
}
