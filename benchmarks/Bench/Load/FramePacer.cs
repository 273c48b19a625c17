using System.Diagnostics;

namespace WebRtcBridge.Bench.Load;

/// <summary>
/// Sends the next clip frame of every session at a fixed frame rate on one dedicated thread. Sessions are staggered
/// evenly over the frame interval, as independent cameras would be, instead of all sending in the same instant.
/// A pacer that falls behind skips ticks rather than bursting to catch up.
/// </summary>
public sealed class FramePacer : IDisposable
{
    private readonly double _fps;
    private readonly Thread _thread;
    private readonly object _gate = new();
    private LoadSession[] _sessions = [];
    private volatile bool _stop;
    private long _ticksSkipped;

    public FramePacer(double fps)
    {
        _fps = fps;
        _thread = new Thread(Run) { IsBackground = true, Name = "frame pacer", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    public long TicksSkipped => Interlocked.Read(ref _ticksSkipped);

    public void Add(LoadSession session)
    {
        lock (_gate) _sessions = [.. _sessions, session];
    }

    public void Remove(LoadSession session)
    {
        lock (_gate) _sessions = _sessions.Where(s => s != session).ToArray();
    }

    private void Run()
    {
        double intervalTicks = Stopwatch.Frequency / _fps;
        long start = Stopwatch.GetTimestamp();
        long frame = 0;
        while (!_stop)
        {
            var sessions = _sessions;
            int n = Math.Max(1, sessions.Length);
            for (int i = 0; i < sessions.Length && !_stop; i++)
            {
                long due = start + (long)((frame + (double)i / n) * intervalTicks);
                WaitUntil(due);
                sessions[i].SendNext();
            }
            frame++;
            long next = start + (long)(frame * intervalTicks);
            long now = Stopwatch.GetTimestamp();
            if (now - next > intervalTicks) // more than a whole frame late: skip, never burst
            {
                long behind = (long)((now - next) / intervalTicks);
                frame += behind;
                Interlocked.Add(ref _ticksSkipped, behind);
            }
            if (sessions.Length == 0) WaitUntil(next);
        }
    }

    private void WaitUntil(long due)
    {
        while (!_stop)
        {
            long remaining = due - Stopwatch.GetTimestamp();
            if (remaining <= 0) return;
            // Millisecond sleeps, no spinning: the load client must stay light (it shares the 2 cores with the server).
            Thread.Sleep(Math.Max(1, (int)(remaining * 1000 / Stopwatch.Frequency)));
        }
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }
}
