namespace WebRtcBridge.WebRtc.Rtp;

/// <summary>
/// A token bucket for NACK retransmissions (RFC 4585 §6.2.1 leaves the rate to the sender). It refills at
/// <see cref="ShareOfSendBitrate"/> of the current send bitrate and holds at most one second of that refill, so the
/// bytes resent in any one-second window stay within the send bitrate itself, however the peer NACKs.
/// No allocation; not thread-safe (the caller holds its send lock).
/// </summary>
public sealed class RetransmissionBudget
{
    /// <summary>Refill rate as a share of the send bitrate; the bucket holds one second of it.</summary>
    public const double ShareOfSendBitrate = 0.5;

    private double _tokens = double.NaN; // bytes; NaN until the first call fills the bucket
    private long _lastMs;

    /// <summary>Retransmissions refused for lack of budget.</summary>
    public long Refused { get; private set; }

    /// <summary>Bytes granted so far.</summary>
    public long BytesGranted { get; private set; }

    /// <summary>
    /// Takes <paramref name="bytes"/> from the bucket at <paramref name="nowMs"/> for a stream sending at
    /// <paramref name="sendBitrateBps"/>; false (and counted) when there is not enough.
    /// </summary>
    public bool TryConsume(int bytes, long sendBitrateBps, long nowMs)
    {
        double rate = Math.Max(0, sendBitrateBps) / 8.0 * ShareOfSendBitrate; // bytes per second
        double capacity = rate;                                               // one second of refill
        if (double.IsNaN(_tokens)) _tokens = capacity;
        else if (nowMs > _lastMs) _tokens = Math.Min(capacity, _tokens + rate * (nowMs - _lastMs) / 1000.0);
        else _tokens = Math.Min(capacity, _tokens);
        _lastMs = Math.Max(_lastMs, nowMs);
        if (_tokens < bytes)
        {
            Refused++;
            return false;
        }
        _tokens -= bytes;
        BytesGranted += bytes;
        return true;
    }
}
