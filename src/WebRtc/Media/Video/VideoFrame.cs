using System.Buffers;

namespace WebRtcBridge.WebRtc.Media;

/// <summary>
/// An I420 (YUV 4:2:0 planar) frame on one pooled buffer: Y (Width x Height), then U and V
/// (((Width+1)/2) x ((Height+1)/2)), tightly packed (stride = plane width). Get one from a
/// <see cref="VideoFramePool"/> or <see cref="Create"/>; <see cref="Dispose"/> hands the buffer back, after which
/// the frame must not be used. Not thread-safe; one owner at a time.
/// </summary>
public sealed partial class VideoFrame : IDisposable
{
    private byte[] _buffer;
    private VideoFramePool? _pool;
    private bool _disposed;

    internal VideoFrame(byte[] buffer, VideoFramePool? pool)
    {
        _buffer = buffer;
        _pool = pool;
    }

    /// <summary>Frame width in pixels.</summary>
    public int Width { get; private set; }
    /// <summary>Frame height in pixels.</summary>
    public int Height { get; private set; }
    /// <summary>Chroma plane width, (Width+1)/2.</summary>
    public int ChromaWidth => (Width + 1) >> 1;
    /// <summary>Chroma plane height, (Height+1)/2.</summary>
    public int ChromaHeight => (Height + 1) >> 1;
    /// <summary>Bytes per Y row.</summary>
    public int StrideY => Width;
    /// <summary>Bytes per U or V row.</summary>
    public int StrideUV => ChromaWidth;

    /// <summary>RTP timestamp, 90 kHz clock.</summary>
    public uint RtpTimestamp { get; set; }
    /// <summary>Capture (send side) or receive time; the unit is the producer's (e.g. Stopwatch ticks or ms).</summary>
    public long Timestamp { get; set; }
    /// <summary>Sequence / frame number assigned by the producer.</summary>
    public long FrameNumber { get; set; }
    /// <summary>True when the frame came from (or should become) a keyframe.</summary>
    public bool IsKeyFrame { get; set; }

    /// <summary>Total I420 byte size for a frame of the given size.</summary>
    public static int ByteSize(int width, int height)
    {
        int cw = (width + 1) >> 1, ch = (height + 1) >> 1;
        return checked(width * height + 2 * cw * ch);
    }

    /// <summary>Y plane.</summary>
    public Span<byte> Y => Live.AsSpan(0, Width * Height);
    /// <summary>U (Cb) plane.</summary>
    public Span<byte> U => Live.AsSpan(Width * Height, ChromaWidth * ChromaHeight);
    /// <summary>V (Cr) plane.</summary>
    public Span<byte> V => Live.AsSpan(Width * Height + ChromaWidth * ChromaHeight, ChromaWidth * ChromaHeight);
    /// <summary>All three planes, back to back.</summary>
    public Span<byte> Data => Live.AsSpan(0, ByteSize(Width, Height));

    /// <summary>Capacity of the underlying buffer in bytes (pool reuse).</summary>
    internal int Capacity => _buffer.Length;

    internal byte[] Buffer => Live;

    private byte[] Live
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _buffer;
        }
    }

    /// <summary>A frame on a buffer rented from <see cref="ArrayPool{T}.Shared"/> (not pooled as an object).</summary>
    public static VideoFrame Create(int width, int height)
    {
        ValidateSize(width, height);
        var f = new VideoFrame(ArrayPool<byte>.Shared.Rent(ByteSize(width, height)), null);
        f.Reset(width, height);
        return f;
    }

    internal static void ValidateSize(int width, int height)
    {
        if (width <= 0 || height <= 0 || width > 16384 || height > 16384)
            throw new ArgumentOutOfRangeException(nameof(width), $"Frame size {width}x{height} out of range 1..16384.");
    }

    /// <summary>Re-arms a pooled frame for a new use with the given size; metadata cleared.</summary>
    internal void Reset(int width, int height)
    {
        _disposed = false;
        Width = width;
        Height = height;
        RtpTimestamp = 0;
        Timestamp = 0;
        FrameNumber = 0;
        IsKeyFrame = false;
    }

    /// <summary>Copies the metadata (timestamps, number, keyframe flag) from <paramref name="other"/>.</summary>
    public void CopyMetadataFrom(VideoFrame other)
    {
        RtpTimestamp = other.RtpTimestamp;
        Timestamp = other.Timestamp;
        FrameNumber = other.FrameNumber;
        IsKeyFrame = other.IsKeyFrame;
    }

    /// <summary>Fills the frame with one colour (Y, U, V values).</summary>
    public void Fill(byte y, byte u, byte v)
    {
        Y.Fill(y);
        U.Fill(u);
        V.Fill(v);
    }

    /// <summary>Returns the buffer to its pool (or ArrayPool). Idempotent.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_pool is { } pool && pool.Return(this)) return;
        var b = _buffer;
        _buffer = Array.Empty<byte>();
        if (b.Length > 0) ArrayPool<byte>.Shared.Return(b);
    }

    /// <summary>Hands the buffer to ArrayPool for good (pool eviction of an idle frame).</summary>
    internal void ReleaseBuffer()
    {
        _disposed = true;
        _pool = null;
        var b = _buffer;
        _buffer = Array.Empty<byte>();
        if (b.Length > 0) ArrayPool<byte>.Shared.Return(b);
    }
}
