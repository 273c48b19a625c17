using System.Buffers;
using System.Runtime.InteropServices;
using WebRtcBridge.MediaRunner.Native;

namespace WebRtcBridge.MediaRunner.Imaging;

/// <summary>
/// JPEG decoding and encoding through libjpeg-turbo's TurboJPEG API. Each thread keeps one compressor and one
/// decompressor handle (created on first use, released when the thread's handles are finalized), so per-frame
/// calls create nothing native. Errors become <see cref="ImageFormatException"/> with TurboJPEG's message.
/// Decoding tolerates libjpeg warnings (e.g. a truncated entropy-coded segment decodes with the missing part gray),
/// as browsers do; fatal errors throw.
/// </summary>
public static unsafe partial class JpegCodec
{
    [ThreadStatic] private static TurboJpegHandle? t_decompressor;
    [ThreadStatic] private static TurboJpegHandle? t_compressor;

    /// <summary>Reads the width and height from a JPEG header without decoding pixels.</summary>
    public static (int Width, int Height) ReadSize(ReadOnlySpan<byte> jpeg)
    {
        var handle = Decompressor();
        fixed (byte* src = jpeg)
        {
            ReadHeader(handle, src, jpeg.Length, out int width, out int height);
            return (width, height);
        }
    }

    /// <summary>
    /// Decodes a baseline or progressive JPEG into a new RGBA image (alpha 255). Images whose header declares more
    /// than <paramref name="maxPixels"/> are rejected before allocating; a progressive one with more than 500 scans
    /// fails (<see cref="TurboJpeg.FlagLimitScans"/>).
    /// </summary>
    public static RgbaImage Decode(ReadOnlySpan<byte> jpeg, long maxPixels = ImageLimits.MaxPixels)
    {
        var handle = Decompressor();
        fixed (byte* src = jpeg)
        {
            ReadHeader(handle, src, jpeg.Length, out int width, out int height);
            ImageLimits.Check(width, height, maxPixels);
            var image = RgbaImage.Rent(width, height);
            try
            {
                fixed (byte* dst = image.Buffer)
                {
                    int rc = TurboJpeg.Decompress2(handle, src, new CULong((nuint)jpeg.Length), dst, width,
                        image.Stride, height, TurboJpeg.PixelFormatRgba, TurboJpeg.FlagLimitScans);
                    if (rc != 0) DecodeFailed(handle);
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

    /// <summary>Encodes <paramref name="image"/> and appends the JPEG to <paramref name="output"/>; returns its length.</summary>
    public static int Encode(RgbaImage image, IBufferWriter<byte> output, int quality = 85,
        JpegSubsampling subsampling = JpegSubsampling.Yuv420)
        => Encode(image.Pixels, image.Width, image.Height, image.Stride, output, quality, subsampling);

    /// <summary>Encodes <paramref name="image"/> into a new array.</summary>
    public static byte[] Encode(RgbaImage image, int quality = 85, JpegSubsampling subsampling = JpegSubsampling.Yuv420)
    {
        var writer = new ArrayBufferWriter<byte>();
        Encode(image, writer, quality, subsampling);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Encodes raw RGBA rows (alpha is ignored) and appends the JPEG to <paramref name="output"/>, which is asked
    /// once for a span of the worst-case size (tjBufSize). Returns the number of bytes written. Allocates nothing
    /// when the writer has capacity.
    /// </summary>
    public static int Encode(ReadOnlySpan<byte> rgba, int width, int height, int stride, IBufferWriter<byte> output,
        int quality = 85, JpegSubsampling subsampling = JpegSubsampling.Yuv420)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (quality is < 1 or > 100) throw new ArgumentOutOfRangeException(nameof(quality), "quality must be 1..100");
        if (width < 1 || height < 1 || width > ImageLimits.MaxDimension || height > ImageLimits.MaxDimension)
            throw new ArgumentOutOfRangeException(nameof(width), $"size {width}x{height} out of range");
        if (stride < width * 4 || rgba.Length < (long)stride * (height - 1) + width * 4)
            throw new ArgumentException("pixel span too short for the given size and stride", nameof(rgba));

        ulong max = TurboJpeg.BufSize(width, height, (int)subsampling).Value;
        if (max == 0 || max > int.MaxValue) throw new ImageFormatException("JPEG output buffer size out of range");
        var handle = Compressor();
        Span<byte> dest = output.GetSpan((int)max);
        fixed (byte* src = rgba)
        fixed (byte* dst = dest)
        {
            byte* jpeg = dst;
            var size = new CULong((nuint)max);
            int rc = TurboJpeg.Compress2(handle, src, width, stride, height, TurboJpeg.PixelFormatRgba, &jpeg, &size,
                (int)subsampling, quality, TurboJpeg.FlagNoRealloc);
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

    private static void ReadHeader(TurboJpegHandle handle, byte* src, int length, out int width, out int height)
    {
        if (length < 4) throw new ImageFormatException("JPEG data too short");
        if (TurboJpeg.DecompressHeader3(handle, src, new CULong((nuint)length), out width, out height, out _, out _) != 0)
        {
            string message = TurboJpeg.LastError(handle);
            DiscardDecompressor(handle);
            throw new ImageFormatException("invalid JPEG header: " + message);
        }
        ImageLimits.Check(width, height);
    }

    // A handle that reported an error can carry decoder state into the next call (seen with TurboJPEG 2.1: a valid
    // JPEG failed with "Bogus DQT index" after mutated inputs on the same handle), so it is replaced.
    /// <summary>After a non-zero decode result: a warning is ignored, anything else discards the thread's decompressor
    /// and throws.</summary>
    private static void DecodeFailed(TurboJpegHandle handle)
    {
        bool fatal = TurboJpeg.GetErrorCode(handle) != TurboJpeg.ErrorWarning;
        string message = TurboJpeg.LastError(handle);
        DiscardDecompressor(handle);
        if (fatal) throw new ImageFormatException("JPEG decode failed: " + message);
    }

    private static void DiscardDecompressor(TurboJpegHandle handle)
    {
        t_decompressor = null;
        handle.Dispose();
    }

    private static TurboJpegHandle Decompressor()
    {
        var h = t_decompressor;
        if (h is null)
        {
            h = TurboJpeg.InitDecompress();
            if (h.IsInvalid) throw new InvalidOperationException("tjInitDecompress failed");
            t_decompressor = h;
        }
        return h;
    }

    private static TurboJpegHandle Compressor()
    {
        var h = t_compressor;
        if (h is null)
        {
            h = TurboJpeg.InitCompress();
            if (h.IsInvalid) throw new InvalidOperationException("tjInitCompress failed");
            t_compressor = h;
        }
        return h;
    }
}
