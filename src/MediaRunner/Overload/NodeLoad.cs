using System.Diagnostics;

namespace WebRtcBridge.MediaRunner.Overload;

/// <summary>
/// The node's measured load: process CPU time (user + system, every thread: decode, handlers, encode, SRTP, GC) over
/// wall time and cores, and CPU per video frame sent back, both as EWMAs (time constant 3 s) sampled at most once a
/// second when read. Sessions report the frames they send back and their degradation level. Admission projects the
/// load of one more session as <see cref="NodeLoadSnapshot.CpuMsPerFrame"/> × <see cref="NominalFps"/>; a degraded
/// session sends fewer frames for the same decode work, so the per-frame cost then rises and the projection errs on
/// the safe side. Steps back up after degradation are granted here one at a time (one per second node-wide) and only
/// while the projected load stays under the given limit, so sessions recover without all climbing back at once.
/// Thread-safe.
/// </summary>
public sealed class NodeLoad : INodeLoadSource
{
    public const double NominalFps = 30;
    private const double TimeConstantSeconds = 3;
    private const double ReservationSeconds = 6;
    private const int MaxReservations = 64;

    private readonly Func<TimeSpan> _processCpu;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private readonly Queue<long> _admitted = new();
    private long _framesOut;
    private int _sessions, _degraded;
    private long _lastSample;
    private TimeSpan _lastCpu;
    private long _lastFrames;
    private bool _sampled;
    private double _load, _cpuMsPerFrame = double.NaN;
    private long _lastStepUp = long.MinValue;

    /// <param name="processCpu">Process CPU time so far (default <see cref="Environment.CpuUsage"/>).</param>
    /// <param name="time">Clock (default system).</param>
    /// <param name="cores">Cores in the budget (default <see cref="Environment.ProcessorCount"/>).</param>
    public NodeLoad(Func<TimeSpan>? processCpu = null, TimeProvider? time = null, int? cores = null)
    {
        _processCpu = processCpu ?? (static () => Environment.CpuUsage.TotalTime);
        _time = time ?? TimeProvider.System;
        Cores = Math.Max(1, cores ?? Environment.ProcessorCount);
        _lastSample = _time.GetTimestamp();
        _lastCpu = _processCpu();
        OverloadMetrics.Observe(this);
    }

    public int Cores { get; }

    /// <summary>Frames a session sent back since its last report.</summary>
    public void AddFramesOut(long frames)
    {
        if (frames > 0) Interlocked.Add(ref _framesOut, frames);
    }

    public void SessionStarted() => Interlocked.Increment(ref _sessions);
    public void SessionEnded() => Interlocked.Decrement(ref _sessions);

    /// <summary>A session moved into (true) or out of (false) a level <see cref="DegradationLevel.BelowFullRate"/>.</summary>
    public void SessionDegraded(bool degraded) => Interlocked.Add(ref _degraded, degraded ? 1 : -1);

    public void NoteAdmitted()
    {
        lock (_gate)
        {
            if (_admitted.Count == MaxReservations) _admitted.Dequeue();
            _admitted.Enqueue(_time.GetTimestamp());
        }
    }

    public NodeLoadSnapshot Read()
    {
        lock (_gate)
        {
            long now = _time.GetTimestamp();
            SampleLocked(now);
            while (_admitted.Count > 0 && _time.GetElapsedTime(_admitted.Peek(), now).TotalSeconds > ReservationSeconds) _admitted.Dequeue();
            double sessionLoad = _cpuMsPerFrame * NominalFps / (Cores * 1000.0);
            return new NodeLoadSnapshot(Cores, _load, _cpuMsPerFrame, sessionLoad, Volatile.Read(ref _sessions),
                Volatile.Read(ref _degraded), _admitted.Count);
        }
    }

    /// <summary>
    /// Grants one session's step back up when the load with <paramref name="extraLoad"/> added stays at or under
    /// <paramref name="limit"/> and no other session stepped up in the last second.
    /// </summary>
    public bool TryGrantStepUp(double extraLoad, double limit)
    {
        var s = Read();
        lock (_gate)
        {
            long now = _time.GetTimestamp();
            if (_lastStepUp != long.MinValue && _time.GetElapsedTime(_lastStepUp, now).TotalSeconds < 1) return false;
            if (s.Projected(0) + extraLoad > limit) return false;
            _lastStepUp = now;
            return true;
        }
    }

    private void SampleLocked(long now)
    {
        double seconds = _time.GetElapsedTime(_lastSample, now).TotalSeconds;
        if (seconds < 1) return;
        var cpu = _processCpu();
        long frames = Interlocked.Read(ref _framesOut);
        double cpuMs = (cpu - _lastCpu).TotalMilliseconds;
        double load = Math.Max(0, cpuMs / (seconds * 1000 * Cores));
        long framesDelta = frames - _lastFrames;
        double alpha = _sampled ? 1 - Math.Exp(-seconds / TimeConstantSeconds) : 1;
        _load += alpha * (load - _load);
        if (framesDelta >= 10)
            _cpuMsPerFrame = double.IsNaN(_cpuMsPerFrame) ? cpuMs / framesDelta : _cpuMsPerFrame + alpha * (cpuMs / framesDelta - _cpuMsPerFrame);
        _sampled = true;
        _lastSample = now;
        _lastCpu = cpu;
        _lastFrames = frames;
        Debug.Assert(_load >= 0);
    }
}
