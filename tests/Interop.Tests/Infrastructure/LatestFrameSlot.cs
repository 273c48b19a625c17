using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.Interop.Tests.Infrastructure;

/// <summary>
/// One-frame hand-off between a receive callback and a sender loop: a new frame replaces (and disposes) a waiting
/// one, so the receive path never waits for the sender. Replaced frames are counted.
/// </summary>
public sealed class LatestFrameSlot : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);
    private VideoFrame? _frame;
    private long _replaced;

    /// <summary>Frames dropped because a newer one arrived before the sender took them.</summary>
    public long Replaced => Interlocked.Read(ref _replaced);

    /// <summary>Puts <paramref name="frame"/> in the slot; the slot owns it from now on.</summary>
    public void Offer(VideoFrame frame)
    {
        var old = Interlocked.Exchange(ref _frame, frame);
        if (old is not null)
        {
            old.Dispose();
            Interlocked.Increment(ref _replaced);
        }
        try { _signal.Release(); }
        catch (SemaphoreFullException) { /* already signalled */ }
    }

    /// <summary>Takes the waiting frame (the caller owns it), waiting until one arrives or the token fires.</summary>
    public async Task<VideoFrame?> TakeAsync(CancellationToken cancel)
    {
        while (true)
        {
            var f = Interlocked.Exchange(ref _frame, null);
            if (f is not null) return f;
            try { await _signal.WaitAsync(cancel); }
            catch (OperationCanceledException) { return null; }
        }
    }

    /// <summary>Disposes a frame still waiting.</summary>
    public void Dispose()
    {
        Interlocked.Exchange(ref _frame, null)?.Dispose();
        _signal.Dispose();
    }
}
