namespace WebRtcBridge.WebRtc.Media;

/// <summary>
/// Decides from the VP8 keyframe header (RFC 6386 §9.1: width and height in the first ten bytes), before any decoding,
/// whether an incoming frame may be decoded: its size must fit the configured maximum (in either orientation, so a
/// portrait camera fits a landscape box), and a change of size counts against a budget of changes per minute
/// (every change reallocates the decoder and, through the app, re-creates the encoder). After a dropped keyframe,
/// delta frames are dropped too until a keyframe is accepted. No allocation after construction; not thread-safe.
/// </summary>
public sealed class FrameSizeGuard
{
    private const long WindowMs = 60_000;
    private readonly int _maxLong, _maxShort;
    private readonly long[] _changeTimes; // ring of the last MaxSizeChangesPerMinute change times
    private int _changeCount, _nextChange;
    private bool _awaitingKeyFrame;

    /// <summary>Frames over <paramref name="maxWidth"/> x <paramref name="maxHeight"/> are refused; at most
    /// <paramref name="maxSizeChangesPerMinute"/> size changes in any 60 s (0: no change after the first size).</summary>
    public FrameSizeGuard(int maxWidth, int maxHeight, int maxSizeChangesPerMinute)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWidth, 16);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxHeight, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxWidth, 16383);  // 14-bit field
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxHeight, 16383);
        ArgumentOutOfRangeException.ThrowIfNegative(maxSizeChangesPerMinute);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxSizeChangesPerMinute, 3600);
        _maxLong = Math.Max(maxWidth, maxHeight);
        _maxShort = Math.Min(maxWidth, maxHeight);
        _changeTimes = new long[Math.Max(1, maxSizeChangesPerMinute)];
        MaxSizeChangesPerMinute = maxSizeChangesPerMinute;
    }

    /// <summary>Size changes allowed in any 60 s.</summary>
    public int MaxSizeChangesPerMinute { get; }
    /// <summary>Width of the last accepted keyframe (0 before one).</summary>
    public int Width { get; private set; }
    /// <summary>Height of the last accepted keyframe (0 before one).</summary>
    public int Height { get; private set; }
    /// <summary>Keyframes refused for their size.</summary>
    public long TooLarge { get; private set; }
    /// <summary>Keyframes refused because the size-change budget was used up.</summary>
    public long TooManySizeChanges { get; private set; }
    /// <summary>Delta frames dropped while waiting for an accepted keyframe.</summary>
    public long DroppedAwaitingKeyFrame { get; private set; }
    /// <summary>Size changes accepted (not counting the first size).</summary>
    public long SizeChanges { get; private set; }

    /// <summary>
    /// Checks one complete VP8 frame received at <paramref name="nowMs"/>. A frame whose header does not parse is
    /// accepted here (the decoder rejects it and counts it).
    /// </summary>
    public FrameSizeVerdict Check(ReadOnlySpan<byte> vp8, long nowMs)
    {
        if (!Vp8FrameHeader.TryParse(vp8, out var header)) return FrameSizeVerdict.Accept;
        if (!header.IsKeyFrame)
        {
            if (!_awaitingKeyFrame) return FrameSizeVerdict.Accept;
            DroppedAwaitingKeyFrame++;
            return FrameSizeVerdict.AwaitingKeyFrame;
        }
        int w = header.Width, h = header.Height;
        if (Math.Max(w, h) > _maxLong || Math.Min(w, h) > _maxShort)
        {
            TooLarge++;
            _awaitingKeyFrame = true;
            return FrameSizeVerdict.TooLarge;
        }
        if (Width != 0 && (w != Width || h != Height))
        {
            if (ChangesInWindow(nowMs) >= MaxSizeChangesPerMinute)
            {
                TooManySizeChanges++;
                _awaitingKeyFrame = true;
                return FrameSizeVerdict.TooManySizeChanges;
            }
            _changeTimes[_nextChange] = nowMs;
            _nextChange = (_nextChange + 1) % _changeTimes.Length;
            if (_changeCount < _changeTimes.Length) _changeCount++;
            SizeChanges++;
        }
        Width = w;
        Height = h;
        _awaitingKeyFrame = false;
        return FrameSizeVerdict.Accept;
    }

    private int ChangesInWindow(long nowMs)
    {
        if (MaxSizeChangesPerMinute == 0) return 0;
        int n = 0;
        for (int i = 0; i < _changeCount; i++)
            if (nowMs - _changeTimes[i] < WindowMs) n++;
        return n;
    }
}
