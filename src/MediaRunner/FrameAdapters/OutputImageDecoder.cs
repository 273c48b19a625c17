using WebRtcBridge.MediaRunner.Imaging;
using WebRtcBridge.Protocol.MsgPack;
using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.MediaRunner.FrameAdapters;

/// <summary>
/// Finds the image in a realtime output (<c>images[0]</c>, else <c>image</c>; either a <c>{content, ...}</c> map or
/// the bytes themselves) and decodes it into an I420 frame: JPEG with libjpeg-turbo (4:2:0 straight to the planes),
/// PNG and WebP with SkiaSharp.
/// </summary>
internal static class OutputImageDecoder
{
    /// <summary>The output fields that carry the image; every other field is a result for the client.</summary>
    public static bool IsImageField(string name) => name is "images" or "image";

    /// <summary>The encoded image bytes, or false when the output has none (an error names why).</summary>
    public static bool TryFind(MsgValue output, out ReadOnlyMemory<byte> bytes, out string? problem)
    {
        bytes = default;
        problem = null;
        MsgValue image;
        if (output.TryGet("images", out var images) && images.Kind == MsgValueKind.Array && images.Count > 0) image = images[0];
        else if (output.TryGet("image", out var single) && !single.IsNil) image = single;
        else return false;
        if (image.Kind == MsgValueKind.Map) image = image["content"];
        if (JsonMapping.TryGetBytes(image, out bytes)) return true;
        problem = image.Kind == MsgValueKind.String ? "output image is a URL; only inline bytes are supported" : "output image has no bytes";
        return false;
    }

    public static VideoFrame Decode(ReadOnlySpan<byte> encoded, VideoFramePool pool, long maxPixels)
    {
        if (ImageCodecs.Detect(encoded) == ImageFormat.Jpeg)
        {
            var direct = JpegCodec.TryDecodeI420(encoded, pool, maxPixels);
            if (direct is not null) return direct;
            using var rgba = JpegCodec.Decode(encoded, maxPixels);
            return ToFrame(rgba, pool);
        }
        using var image = SkiaImageDecoder.Decode(encoded, maxPixels);
        return ToFrame(image, pool);
    }

    private static VideoFrame ToFrame(RgbaImage image, VideoFramePool pool)
    {
        var frame = pool.Rent(image.Width, image.Height);
        try
        {
            frame.CopyFromPacked(image.Pixels, image.Stride, PackedPixelLayout.Rgba);
            return frame;
        }
        catch
        {
            frame.Dispose();
            throw;
        }
    }
}
