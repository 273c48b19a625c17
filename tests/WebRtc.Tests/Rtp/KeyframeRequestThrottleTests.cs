using WebRtcBridge.WebRtc.Rtp;

namespace WebRtcBridge.WebRtc.Tests.Rtp;

public class KeyframeRequestThrottleTests
{
    [Fact]
    public void AtMostOnePerInterval_SuppressedRequestReleasedLater()
    {
        var t = new KeyframeRequestThrottle(300);
        Assert.True(t.TryRequest(1000));
        Assert.False(t.TryRequest(1100));
        Assert.False(t.TryRequest(1200));
        Assert.True(t.Pending);
        Assert.False(t.PollPending(1250));
        Assert.True(t.PollPending(1300));
        Assert.False(t.PollPending(1700)); // released once
        Assert.Equal(2, t.Sent);
        Assert.Equal(2, t.Suppressed);
        Assert.True(t.TryRequest(1600));
    }

    [Fact]
    public void NothingPending_PollDoesNothing()
    {
        var t = new KeyframeRequestThrottle(300);
        Assert.False(t.PollPending(0));
        Assert.True(t.TryRequest(0));
        Assert.False(t.PollPending(10_000));
    }
}
