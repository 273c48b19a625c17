using SkiaSharp;
using WebRtcBridge.MediaRunner.Imaging;

namespace WebRtcBridge.MediaRunner.FrameAdapters;

/// <summary>PNG and WebP (and whatever else Skia reads) to RGBA with SkiaSharp; the declared size is checked before
/// any pixel is decoded. Failures become <see cref="ImageFormatException"/>.</summary>
public static unsafe class SkiaImageDecoder
{
    public static RgbaImage Decode(ReadOnlySpan<byte> encoded, long maxPixels = ImageLimits.MaxPixels)
    {
        if (encoded.Length < 8) throw new ImageFormatException("image data too short");
        fixed (byte* p = encoded)
        {
            using var data = SKData.Create((IntPtr)p, encoded.Length);
            using var codec = SKCodec.Create(data) ?? throw new ImageFormatException("unknown image format (expected JPEG, PNG or WebP)");
            var info = codec.Info;
            ImageLimits.Check(info.Width, info.Height, maxPixels);
            var image = RgbaImage.Rent(info.Width, info.Height);
            try
            {
                fixed (byte* dst = image.Buffer)
                {
                    var target = new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
                    var result = codec.GetPixels(target, (IntPtr)dst);
                    if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
                        throw new ImageFormatException($"{codec.EncodedFormat} decode failed: {result}");
                }
                return image;
            }
            catch
            {
                image.Dispose();
                throw;
            }
        }
    }
}
