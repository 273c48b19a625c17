using System.Runtime.InteropServices;
using System.Buffers;
using WebRtcBridge.MediaRunner.Native;
using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.MediaRunner.Imaging;

/// <summary>JPEG straight from and to I420 planes (TurboJPEG's YUV-plane API): no RGBA conversion on the video path.</summary>
public static unsafe partial class JpegCodec
{
    /// <summary>Encodes an I420 frame as a 4:2:0 JPEG appended to <paramref name="output"/>; returns its length.</summary>
    public static int EncodeI420(VideoFrame frame, IBufferWriter<byte> output, int quality = 85)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (quality is < 1 or > 100) throw new ArgumentOutOfRangeException(nameof(quality), "quality must be 1..100");
        ulong max = TurboJpeg.BufSize(frame.Width, frame.Height, TurboJpeg.Subsampling420).Value;
        if (max == 0 || max > int.MaxValue) throw new ImageFormatException("JPEG output buffer size out of range");
        var handle = Compressor();
        Span<byte> dest = output.GetSpan((int)max);
        fixed (byte* y = frame.Y)
        fixed (byte* u = frame.U)
        fixed (byte* v = frame.V)
        fixed (byte* dst = dest)
        {
            byte** planes = stackalloc byte*[3] { y, u, v };
            int* strides = stackalloc int[3] { frame.StrideY, frame.StrideUV, frame.StrideUV };
            byte* jpeg = dst;
            var size = new CULong((nuint)max);
            int rc = TurboJpeg.CompressFromYuvPlanes(handle, planes, frame.Width, strides, frame.Height,
                TurboJpeg.Subsampling420, &jpeg, &size, quality, TurboJpeg.FlagNoRealloc);
            if (rc != 0)
            {
                string message = TurboJpeg.LastError(handle);
                t_compressor = null;
                handle.Dispose();
                throw new ImageFormatException("JPEG encode failed: " + message);
            }
            if (jpeg != dst || size.Value > max) throw new ImageFormatException("JPEG encoder reallocated its buffer");
            output.Advance((int)size.Value);
            return (int)size.Value;
        }
    }

    /// <summary>
    /// Decodes a 4:2:0 colour JPEG straight into an I420 frame rented from <paramref name="pool"/>. Returns null
    /// (nothing decoded) for other subsamplings, which callers decode through RGBA instead.
    /// </summary>
    public static VideoFrame? TryDecodeI420(ReadOnlySpan<byte> jpeg, VideoFramePool pool, long maxPixels = ImageLimits.MaxPixels)
    {
        var handle = Decompressor();
        fixed (byte* src = jpeg)
        {
            if (jpeg.Length < 4) throw new ImageFormatException("JPEG data too short");
            if (TurboJpeg.DecompressHeader3(handle, src, new CULong((nuint)jpeg.Length), out int width, out int height,
                    out int subsamp, out _) != 0)
            {
                string message = TurboJpeg.LastError(handle);
                DiscardDecompressor(handle);
                throw new ImageFormatException("invalid JPEG header: " + message);
            }
            ImageLimits.Check(width, height, maxPixels);
            if (subsamp != TurboJpeg.Subsampling420) return null;
            var frame = pool.Rent(width, height);
            try
            {
                fixed (byte* y = frame.Y)
                fixed (byte* u = frame.U)
                fixed (byte* v = frame.V)
                {
                    byte** planes = stackalloc byte*[3] { y, u, v };
                    int* strides = stackalloc int[3] { frame.StrideY, frame.StrideUV, frame.StrideUV };
                    int rc = TurboJpeg.DecompressToYuvPlanes(handle, src, new CULong((nuint)jpeg.Length), planes, width, strides, height, TurboJpeg.FlagLimitScans);
                    if (rc != 0) DecodeFailed(handle);
                }
                return frame;
            }
            catch
            {
                frame.Dispose();
                throw;
            }
        }
    }
}
