namespace WebRtcBridge.WebRtc.Rtp;

/// <summary>
/// At most one keyframe request (PLI/FIR sent, or keyframe forced on the encoder) per <see cref="MinIntervalMs"/>
/// (docs/webrtc-stack.md#rtp-and-rtcp-policy: about one per RTT or 300–500 ms). A refused request is remembered and released by
/// <see cref="PollPending"/> once the interval has passed, so no request is lost, only merged.
/// </summary>
public sealed class KeyframeRequestThrottle
{
    private long _lastMs = long.MinValue;

    /// <summary>Creates a throttle; 300 ms by default.</summary>
    public KeyframeRequestThrottle(int minIntervalMs = 300)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minIntervalMs);
        MinIntervalMs = minIntervalMs;
    }

    /// <summary>Minimum time between two requests.</summary>
    public int MinIntervalMs { get; set; }

    /// <summary>A request was refused and not yet released.</summary>
    public bool Pending { get; private set; }

    /// <summary>Requests let through.</summary>
    public long Sent { get; private set; }

    /// <summary>Requests refused (merged into a later one).</summary>
    public long Suppressed { get; private set; }

    /// <summary>True if a request may go out now (and records it); otherwise marks it pending.</summary>
    public bool TryRequest(long nowMs)
    {
        if (_lastMs == long.MinValue || nowMs - _lastMs >= MinIntervalMs)
        {
            _lastMs = nowMs;
            Pending = false;
            Sent++;
            return true;
        }
        Pending = true;
        Suppressed++;
        return false;
    }

    /// <summary>True (once) when a pending request may go out now; call from a periodic timer.</summary>
    public bool PollPending(long nowMs)
    {
        if (!Pending || nowMs - _lastMs < MinIntervalMs) return false;
        _lastMs = nowMs;
        Pending = false;
        Sent++;
        return true;
    }
}
