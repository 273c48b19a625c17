using WebRtcBridge.MediaRunner.Imaging;

namespace WebRtcBridge.MediaRunner.Tests.Imaging;

/// <summary>Synthetic images for codec and filter tests.</summary>
internal static class TestImages
{
    /// <summary>A smooth colour gradient, opaque.</summary>
    public static RgbaImage Gradient(int width, int height, int stride = 0)
    {
        var image = RgbaImage.Create(width, height, stride);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                image.SetPixel(x, y, (byte)(x * 255 / Math.Max(1, width - 1)), (byte)(y * 255 / Math.Max(1, height - 1)),
                    (byte)((x + y) * 255 / Math.Max(1, width + height - 2)), 255);
        return image;
    }

    /// <summary>Random pixels including alpha, from a seeded generator.</summary>
    public static RgbaImage Random(int width, int height, int seed, int stride = 0)
    {
        var image = RgbaImage.Create(width, height, stride);
        var rng = new Random(seed);
        for (int y = 0; y < height; y++) rng.NextBytes(image.Row(y));
        return image;
    }

    /// <summary>Every pixel the same colour.</summary>
    public static RgbaImage Solid(int width, int height, byte r, byte g, byte b, byte a, int stride = 0)
    {
        var image = RgbaImage.Create(width, height, stride);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++) image.SetPixel(x, y, r, g, b, a);
        return image;
    }

    /// <summary>The pixel rows (without stride padding) concatenated.</summary>
    public static byte[] Packed(RgbaImage image)
    {
        var result = new byte[image.Width * image.Height * 4];
        for (int y = 0; y < image.Height; y++) image.Row(y).CopyTo(result.AsSpan(y * image.Width * 4));
        return result;
    }
}
