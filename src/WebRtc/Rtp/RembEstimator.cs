namespace WebRtcBridge.WebRtc.Rtp;

/// <summary>
/// A simple receive-side bandwidth estimate for REMB (draft-alvestrand-rmcat-remb): incoming bytes over a sliding
/// window of fixed buckets, and a loss-based rule (docs/webrtc-stack.md#rtp-and-rtcp-policy): loss &gt; 10 % → cut to
/// incoming·(1 − 0.5·loss); loss &lt; 2 % and the sender is using at least half the estimate → +8 %/s; otherwise hold.
/// Bounded memory; time is passed in.
/// </summary>
public sealed class RembEstimator
{
    private const int Buckets = 20;
    private readonly long[] _bytes = new long[Buckets];
    private readonly long[] _bucketStart = new long[Buckets];
    private readonly int _bucketMs;
    private long _lastUpdateMs = long.MinValue;

    /// <summary>Creates an estimator.</summary>
    public RembEstimator(long startBps = 1_000_000, long minBps = 100_000, long maxBps = 4_000_000, int windowMs = 1000)
    {
        if (minBps <= 0 || maxBps < minBps || windowMs < Buckets) throw new ArgumentOutOfRangeException(nameof(minBps));
        MinBps = minBps;
        MaxBps = maxBps;
        WindowMs = windowMs;
        _bucketMs = windowMs / Buckets;
        EstimateBps = Math.Clamp(startBps, minBps, maxBps);
        Array.Fill(_bucketStart, long.MinValue);
    }

    /// <summary>Lower bound of the estimate.</summary>
    public long MinBps { get; }

    /// <summary>Upper bound of the estimate.</summary>
    public long MaxBps { get; }

    /// <summary>Length of the rate window.</summary>
    public int WindowMs { get; }

    /// <summary>The current estimate, the value to send in REMB.</summary>
    public long EstimateBps { get; private set; }

    /// <summary>Counts a received packet of <paramref name="bytes"/> (whole RTP packet) at <paramref name="nowMs"/>.</summary>
    public void OnPacket(int bytes, long nowMs)
    {
        long start = nowMs - Mod(nowMs, _bucketMs);
        int b = (int)Mod(start / _bucketMs, Buckets);
        if (_bucketStart[b] != start)
        {
            _bucketStart[b] = start;
            _bytes[b] = 0;
        }
        _bytes[b] += bytes;
    }

    /// <summary>Incoming bitrate over the last window, bits per second.</summary>
    public long IncomingBps(long nowMs)
    {
        long total = 0;
        for (int i = 0; i < Buckets; i++)
        {
            long age = nowMs - _bucketStart[i];
            if (_bucketStart[i] != long.MinValue && age >= 0 && age < WindowMs) total += _bytes[i];
        }
        // The buckets counted span the full older buckets plus the elapsed part of the current one.
        long spanMs = WindowMs - _bucketMs + Mod(nowMs, _bucketMs);
        return spanMs <= 0 ? 0 : total * 8 * 1000 / spanMs;
    }

    /// <summary>
    /// Updates the estimate with the fraction of packets lost since the last update (0..1, e.g. an RR's
    /// fraction lost / 256) and returns it. Call about once a second, before sending REMB.
    /// </summary>
    public long Update(double fractionLost, long nowMs)
    {
        double dt = _lastUpdateMs == long.MinValue ? 1.0 : Math.Clamp((nowMs - _lastUpdateMs) / 1000.0, 0, 2);
        _lastUpdateMs = nowMs;
        long incoming = IncomingBps(nowMs);
        double loss = Math.Clamp(fractionLost, 0, 1);
        long e = EstimateBps;
        if (loss > 0.10)
            e = (long)(Math.Min(e, Math.Max(incoming, MinBps)) * (1 - 0.5 * loss));
        else if (loss < 0.02 && incoming >= e / 2)
            e = (long)(e * (1 + 0.08 * dt));
        EstimateBps = Math.Clamp(e, MinBps, MaxBps);
        return EstimateBps;
    }

    private static long Mod(long a, long m) => ((a % m) + m) % m;
}
