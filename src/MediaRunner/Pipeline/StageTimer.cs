using System.Diagnostics;

namespace WebRtcBridge.MediaRunner.Pipeline;

/// <summary>
/// The last <see cref="Capacity"/> durations of one pipeline stage, for p50/p99 on demand. Fixed memory; recording
/// is lock-free for one writer, reading takes a snapshot.
/// </summary>
public sealed class StageTimer(string name, int capacity = 512)
{
    private readonly double[] _samples = new double[capacity];
    private long _count;

    public string Name { get; } = name;
    public int Capacity => _samples.Length;
    public long Count => Interlocked.Read(ref _count);

    public void Record(double milliseconds)
    {
        var n = Interlocked.Increment(ref _count) - 1;
        _samples[n % _samples.Length] = milliseconds;
    }

    /// <summary>Records the time since <paramref name="startTimestamp"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public double RecordSince(long startTimestamp)
    {
        var ms = Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds;
        Record(ms);
        return ms;
    }

    /// <summary>Percentile (0..100) over the recent window; NaN before any sample.</summary>
    public double Percentile(double p)
    {
        var n = (int)Math.Min(Count, _samples.Length);
        if (n == 0) return double.NaN;
        var copy = new double[n];
        Array.Copy(_samples, copy, n);
        Array.Sort(copy);
        var index = (int)Math.Clamp(Math.Ceiling(p / 100 * n) - 1, 0, n - 1);
        return copy[index];
    }
}
