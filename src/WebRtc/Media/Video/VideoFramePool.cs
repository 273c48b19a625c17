using System.Buffers;

namespace WebRtcBridge.WebRtc.Media;

/// <summary>
/// Reuses <see cref="VideoFrame"/> objects and their buffers. Retains at most <see cref="MaxRetained"/> idle
/// frames; a rented frame reuses an idle one whose buffer is large enough, so a stream of same-size frames
/// allocates nothing after warm-up. Frames beyond the cap go back to <see cref="ArrayPool{T}.Shared"/>
/// (counted in <see cref="Discarded"/>). Thread-safe.
/// </summary>
public sealed class VideoFramePool
{
    private readonly VideoFrame?[] _idle;
    private int _count;
    private readonly object _gate = new();
    private long _created;
    private long _discarded;

    /// <summary>Creates a pool retaining up to <paramref name="maxRetained"/> idle frames.</summary>
    public VideoFramePool(int maxRetained = 8)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRetained, 1);
        _idle = new VideoFrame?[maxRetained];
    }

    /// <summary>A process-wide pool for callers that do not keep their own.</summary>
    public static VideoFramePool Shared { get; } = new(16);

    /// <summary>Maximum idle frames kept.</summary>
    public int MaxRetained => _idle.Length;
    /// <summary>Idle frames currently held.</summary>
    public int IdleCount { get { lock (_gate) return _count; } }
    /// <summary>Frames whose buffer had to be newly rented (pool misses).</summary>
    public long Created => Interlocked.Read(ref _created);
    /// <summary>Frames returned while the pool was full (buffer handed to ArrayPool instead).</summary>
    public long Discarded => Interlocked.Read(ref _discarded);

    /// <summary>Rents a frame of the given size (contents undefined, metadata cleared).</summary>
    public VideoFrame Rent(int width, int height)
    {
        VideoFrame.ValidateSize(width, height);
        int need = VideoFrame.ByteSize(width, height);
        VideoFrame? frame = null, evicted = null;
        lock (_gate)
        {
            // Most recently returned first; drop idle frames too small for this size (a resolution change).
            for (int i = _count - 1; i >= 0; i--)
            {
                var f = _idle[i]!;
                if (f.Capacity >= need)
                {
                    frame = f;
                    _idle[i] = _idle[_count - 1];
                    _idle[--_count] = null;
                    break;
                }
            }
            if (frame is null && _count == _idle.Length)
            {
                // Full of frames too small for this size: evict the oldest so the pool follows the new size.
                evicted = _idle[0];
                _idle[0] = _idle[_count - 1];
                _idle[--_count] = null;
            }
        }
        evicted?.ReleaseBuffer();
        if (frame is null)
        {
            Interlocked.Increment(ref _created);
            frame = new VideoFrame(ArrayPool<byte>.Shared.Rent(need), this);
        }
        frame.Reset(width, height);
        return frame;
    }

    /// <summary>Called by <see cref="VideoFrame.Dispose"/>; false when the pool is full.</summary>
    internal bool Return(VideoFrame frame)
    {
        lock (_gate)
        {
            if (_count < _idle.Length)
            {
                _idle[_count++] = frame;
                return true;
            }
        }
        Interlocked.Increment(ref _discarded);
        return false;
    }
}
