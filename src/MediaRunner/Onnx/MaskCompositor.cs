using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.MediaRunner.Onnx;

/// <summary>
/// Blends a frame with a background through a mask on the I420 planes: where the mask is 255 the frame is kept, where
/// it is 0 the background shows, in between they mix. The chroma planes take the mask's value at the top-left pixel of
/// each 2x2 block. The blurred background is the frame scaled down 16 times (box filter) and back up (bilinear) with
/// libyuv: a wide, cheap blur.
/// </summary>
internal static class MaskCompositor
{
    public const int BlurFactor = 16;

    /// <summary>Writes into <paramref name="output"/> (the frame's size) the frame over the background through
    /// <paramref name="mask"/> (one byte per pixel, Width*Height).</summary>
    public static void Blend(VideoFrame frame, ReadOnlySpan<byte> mask, MaskBackground background, OnnxRunLane lane, VideoFrame output)
    {
        int w = frame.Width, h = frame.Height;
        if (mask.Length < w * h) throw new ArgumentException("mask smaller than the frame");
        if (background.Blur)
        {
            var small = lane.BlurSmall(Math.Max(1, w / BlurFactor), Math.Max(1, h / BlurFactor));
            var blurred = lane.BlurFull(w, h);
            frame.ScaleTo(small, ScaleFilter.Box);
            small.ScaleTo(blurred, ScaleFilter.Bilinear);
            BlendPlane(frame.Y, blurred.Y, mask, w, h, w, 1, output.Y);
            BlendPlane(frame.U, blurred.U, mask, frame.ChromaWidth, frame.ChromaHeight, w, 2, output.U);
            BlendPlane(frame.V, blurred.V, mask, frame.ChromaWidth, frame.ChromaHeight, w, 2, output.V);
        }
        else
        {
            var (y, u, v) = background.ToYuv();
            BlendConstant(frame.Y, y, mask, w, h, w, 1, output.Y);
            BlendConstant(frame.U, u, mask, frame.ChromaWidth, frame.ChromaHeight, w, 2, output.U);
            BlendConstant(frame.V, v, mask, frame.ChromaWidth, frame.ChromaHeight, w, 2, output.V);
        }
    }

    private static void BlendPlane(ReadOnlySpan<byte> fg, ReadOnlySpan<byte> bg, ReadOnlySpan<byte> mask, int pw, int ph,
        int maskStride, int step, Span<byte> dst)
    {
        for (var row = 0; row < ph; row++)
        {
            var m = mask.Slice(row * step * maskStride);
            var f = fg.Slice(row * pw, pw);
            var b = bg.Slice(row * pw, pw);
            var d = dst.Slice(row * pw, pw);
            for (var x = 0; x < f.Length; x++) d[x] = Mix(f[x], b[x], m[x * step]);
        }
    }

    private static void BlendConstant(ReadOnlySpan<byte> fg, byte bg, ReadOnlySpan<byte> mask, int pw, int ph,
        int maskStride, int step, Span<byte> dst)
    {
        for (var row = 0; row < ph; row++)
        {
            var m = mask.Slice(row * step * maskStride);
            var f = fg.Slice(row * pw, pw);
            var d = dst.Slice(row * pw, pw);
            for (var x = 0; x < f.Length; x++) d[x] = Mix(f[x], bg, m[x * step]);
        }
    }

    /// <summary>(f*m + b*(255-m)) / 255, rounded.</summary>
    private static byte Mix(int f, int b, int m)
    {
        var x = f * m + b * (255 - m) + 128;
        return (byte)((x + (x >> 8)) >> 8);
    }
}
