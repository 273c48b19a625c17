namespace WebRtcBridge.WebRtc.Rtp;

/// <summary>Turns 16-bit RTP sequence numbers into a monotonic 64-bit count, taking the nearer of the wrap candidates.</summary>
public sealed class SequenceNumberUnwrapper
{
    private long _last = long.MinValue;

    /// <summary>True once a sequence number was seen.</summary>
    public bool HasValue => _last != long.MinValue;

    /// <summary>Highest unwrapped value so far.</summary>
    public long Highest => _last;

    /// <summary>Unwraps <paramref name="seq"/> relative to the highest value so far and advances it if newer.</summary>
    public long Unwrap(ushort seq)
    {
        long value = Peek(seq);
        if (value > _last) _last = value;
        return value;
    }

    /// <summary>Unwraps without updating the state.</summary>
    public long Peek(ushort seq)
    {
        if (_last == long.MinValue) return seq;
        short delta = (short)(seq - (ushort)_last);
        return _last + delta;
    }
}
