namespace WebRtcBridge.ClientKit.Realtime;

/// <summary>
/// fal-js's throttle (docs/protocols.md#net-realtime-client): the first call runs at once; later calls within the interval
/// replace one pending call that runs when the interval since the last run has passed. Replaced calls are counted
/// in <see cref="Dropped"/>, never lost silently. An interval of zero runs every call.
/// </summary>
public sealed class SendThrottle<T>(TimeSpan interval, Func<T, Task> run, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly object _gate = new();
    private long _lastRun = long.MinValue;
    private bool _hasPending;
    private T _pending = default!;
    private ITimer? _timer;
    private long _dropped;

    /// <summary>Calls replaced by a later one before they ran.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public Task Submit(T item)
    {
        if (interval <= TimeSpan.Zero) return run(item);
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            var since = _lastRun == long.MinValue ? TimeSpan.MaxValue : _time.GetElapsedTime(_lastRun, now);
            if (!_hasPending && since >= interval)
            {
                _lastRun = now;
                return run(item);
            }
            if (_hasPending) Interlocked.Increment(ref _dropped);
            _pending = item;
            if (!_hasPending)
            {
                _hasPending = true;
                var wait = since >= interval ? TimeSpan.Zero : interval - since;
                _timer?.Dispose();
                _timer = _time.CreateTimer(_ => Flush(), null, wait, Timeout.InfiniteTimeSpan);
            }
            return Task.CompletedTask;
        }
    }

    private void Flush()
    {
        T item;
        lock (_gate)
        {
            if (!_hasPending) return;
            item = _pending;
            _pending = default!;
            _hasPending = false;
            _lastRun = _time.GetTimestamp();
        }
        _ = run(item);
    }

    /// <summary>Forgets a pending call (counted as dropped) and stops the timer.</summary>
    public void Cancel()
    {
        lock (_gate)
        {
            if (_hasPending) Interlocked.Increment(ref _dropped);
            _hasPending = false;
            _pending = default!;
            _timer?.Dispose();
            _timer = null;
        }
    }
}
