namespace WebRtcBridge.WebRtc.Tests.Dtls;

/// <summary>A clock the test moves by hand (timers are not used with it: AutoTimer is off).</summary>
internal sealed class FakeTimeProvider : TimeProvider
{
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
