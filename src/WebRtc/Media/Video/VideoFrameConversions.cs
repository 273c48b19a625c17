using WebRtcBridge.WebRtc.Native;

namespace WebRtcBridge.WebRtc.Media;

/// <summary>Byte order of a packed 32-bit pixel in memory.</summary>
public enum PackedPixelLayout
{
    /// <summary>Bytes R, G, B, A (libyuv calls this "ABGR"; browsers' ImageData, most texture uploads).</summary>
    Rgba,
    /// <summary>Bytes B, G, R, A (libyuv "ARGB"; Windows/DirectX, many game engines).</summary>
    Bgra,
}

/// <summary>I420 scaling quality (libyuv FilterMode).</summary>
public enum ScaleFilter
{
    /// <summary>Point sampling.</summary>
    None = LibYuv.kFilterNone,
    /// <summary>Horizontal linear.</summary>
    Linear = LibYuv.kFilterLinear,
    /// <summary>Bilinear.</summary>
    Bilinear = LibYuv.kFilterBilinear,
    /// <summary>Box filter (best for downscaling).</summary>
    Box = LibYuv.kFilterBox,
}

/// <summary>Conversions and copies through libyuv (BT.601 limited range, as libyuv's defaults).</summary>
public sealed unsafe partial class VideoFrame
{
    /// <summary>Rents a frame from <paramref name="pool"/> (or <see cref="VideoFramePool.Shared"/>) and converts packed pixels into it.</summary>
    public static VideoFrame FromPacked(ReadOnlySpan<byte> source, int width, int height, int stride,
        PackedPixelLayout layout, VideoFramePool? pool = null)
    {
        var frame = (pool ?? VideoFramePool.Shared).Rent(width, height);
        try
        {
            frame.CopyFromPacked(source, stride, layout);
            return frame;
        }
        catch
        {
            frame.Dispose();
            throw;
        }
    }

    /// <summary>Converts packed 32-bit pixels (<paramref name="stride"/> bytes per row) of this frame's size into the planes.</summary>
    public void CopyFromPacked(ReadOnlySpan<byte> source, int stride, PackedPixelLayout layout)
    {
        CheckPacked(source.Length, stride);
        int cw = ChromaWidth;
        fixed (byte* src = source)
        fixed (byte* buf = Buffer)
        {
            byte* y = buf, u = buf + Width * Height, v = u + cw * ChromaHeight;
            int rc = layout == PackedPixelLayout.Rgba
                ? LibYuv.ABGRToI420(src, stride, y, Width, u, cw, v, cw, Width, Height)
                : LibYuv.ARGBToI420(src, stride, y, Width, u, cw, v, cw, Width, Height);
            if (rc != 0) throw new InvalidOperationException($"libyuv packed->I420 failed ({rc}).");
        }
    }

    /// <summary>Converts the planes into packed 32-bit pixels (alpha 255) with <paramref name="stride"/> bytes per row.</summary>
    public void CopyToPacked(Span<byte> destination, int stride, PackedPixelLayout layout)
    {
        CheckPacked(destination.Length, stride);
        int cw = ChromaWidth;
        fixed (byte* dst = destination)
        fixed (byte* buf = Buffer)
        {
            byte* y = buf, u = buf + Width * Height, v = u + cw * ChromaHeight;
            int rc = layout == PackedPixelLayout.Rgba
                ? LibYuv.I420ToABGR(y, Width, u, cw, v, cw, dst, stride, Width, Height)
                : LibYuv.I420ToARGB(y, Width, u, cw, v, cw, dst, stride, Width, Height);
            if (rc != 0) throw new InvalidOperationException($"libyuv I420->packed failed ({rc}).");
        }
    }

    /// <summary>Copies I420 planes with arbitrary strides (e.g. from a decoder or capture API) into this frame's size.</summary>
    public void CopyFromI420(ReadOnlySpan<byte> y, int strideY, ReadOnlySpan<byte> u, int strideU,
        ReadOnlySpan<byte> v, int strideV)
    {
        int cw = ChromaWidth, ch = ChromaHeight;
        if (strideY < Width || strideU < cw || strideV < cw) throw new ArgumentOutOfRangeException(nameof(strideY), "Stride below plane width.");
        if ((long)strideY * (Height - 1) + Width > y.Length || (long)strideU * (ch - 1) + cw > u.Length
            || (long)strideV * (ch - 1) + cw > v.Length)
            throw new ArgumentException("A source plane is too small for the frame size and stride.");
        fixed (byte* sy = y)
        fixed (byte* su = u)
        fixed (byte* sv = v)
        fixed (byte* d = Buffer)
        {
            byte* du = d + Width * Height, dv = du + cw * ch;
            int rc = LibYuv.I420Copy(sy, strideY, su, strideU, sv, strideV, d, Width, du, cw, dv, cw, Width, Height);
            if (rc != 0) throw new InvalidOperationException($"libyuv I420Copy failed ({rc}).");
        }
    }

    /// <summary>Copies pixels into <paramref name="destination"/> (same size required) and the metadata.</summary>
    public void CopyTo(VideoFrame destination)
    {
        if (destination.Width != Width || destination.Height != Height)
            throw new ArgumentException("CopyTo needs a frame of the same size; use ScaleTo.", nameof(destination));
        Data.CopyTo(destination.Data);
        destination.CopyMetadataFrom(this);
    }

    /// <summary>Scales into <paramref name="destination"/> (any size) with libyuv I420Scale; copies the metadata.</summary>
    public void ScaleTo(VideoFrame destination, ScaleFilter filter = ScaleFilter.Box)
    {
        int scw = ChromaWidth, dcw = destination.ChromaWidth;
        fixed (byte* s = Buffer)
        fixed (byte* d = destination.Buffer)
        {
            byte* su = s + Width * Height, sv = su + scw * ChromaHeight;
            byte* du = d + destination.Width * destination.Height, dv = du + dcw * destination.ChromaHeight;
            int rc = LibYuv.I420Scale(s, Width, su, scw, sv, scw, Width, Height,
                d, destination.Width, du, dcw, dv, dcw, destination.Width, destination.Height, (int)filter);
            if (rc != 0) throw new InvalidOperationException($"libyuv I420Scale failed ({rc}).");
        }
        destination.CopyMetadataFrom(this);
    }

    private void CheckPacked(int length, int stride)
    {
        if (stride < Width * 4) throw new ArgumentOutOfRangeException(nameof(stride), "Stride smaller than width*4.");
        if ((long)stride * (Height - 1) + Width * 4L > length)
            throw new ArgumentException("Packed buffer too small for the frame size and stride.");
    }
}
