using WebRtcBridge.MediaRunner.Filters;
using WebRtcBridge.MediaRunner.Imaging;

namespace WebRtcBridge.MediaRunner.Tests.Filters;

internal static class FilterTestKit
{
    public static RgbaImage Run(IImageFilter filter, RgbaImage source) => filter.Apply(source);

    public static (byte R, byte G, byte B, byte A) Px(byte r, byte g, byte b, byte a) => (r, g, b, a);

    /// <summary>All pixels of an image as tuples, row-major.</summary>
    public static (byte, byte, byte, byte)[] Pixels(RgbaImage image)
    {
        var result = new (byte, byte, byte, byte)[image.Width * image.Height];
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++) result[y * image.Width + x] = image.GetPixel(x, y);
        return result;
    }
}
