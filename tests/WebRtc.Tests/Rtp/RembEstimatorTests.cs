using WebRtcBridge.WebRtc.Rtp;

namespace WebRtcBridge.WebRtc.Tests.Rtp;

public class RembEstimatorTests
{
    private static void Feed(RembEstimator e, long bps, long fromMs, long toMs)
    {
        // 10 ms packets carrying bps.
        int bytes = (int)(bps / 8 / 100);
        for (long t = fromMs; t < toMs; t += 10) e.OnPacket(bytes, t);
    }

    [Fact]
    public void IncomingRate_OverSlidingWindow()
    {
        var e = new RembEstimator();
        Feed(e, 800_000, 0, 2000);
        Assert.InRange(e.IncomingBps(2000), 760_000, 840_000);
        Assert.Equal(0, e.IncomingBps(5000)); // window emptied
    }

    [Fact]
    public void NoLoss_SenderUsingEstimate_GrowsEightPercentPerSecond_UpToMax()
    {
        var e = new RembEstimator(startBps: 1_000_000, maxBps: 1_200_000);
        Feed(e, 1_000_000, 0, 1000);
        Assert.Equal(1_080_000, e.Update(0, 1000));
        Feed(e, 1_080_000, 1000, 2000);
        Assert.Equal(1_166_400, e.Update(0.01, 2000));
        Feed(e, 1_160_000, 2000, 3000);
        Assert.Equal(1_200_000, e.Update(0, 3000));
    }

    [Fact]
    public void AppLimitedSender_HoldsEstimate()
    {
        var e = new RembEstimator(startBps: 2_000_000);
        Feed(e, 300_000, 0, 1000);
        Assert.Equal(2_000_000, e.Update(0, 1000));
    }

    [Fact]
    public void HeavyLoss_BacksOffFromIncomingRate()
    {
        var e = new RembEstimator(startBps: 2_000_000);
        Feed(e, 1_500_000, 0, 1000);
        long v = e.Update(0.2, 1000); // 1.5 M · (1 − 0.1)
        Assert.InRange(v, 1_300_000, 1_400_000);
        Assert.Equal(v, e.Update(0.05, 1000)); // 2..10 %: hold
    }

    [Fact]
    public void NeverBelowMinimum()
    {
        var e = new RembEstimator(startBps: 200_000, minBps: 150_000);
        Assert.Equal(150_000, e.Update(1.0, 1000));
    }
}
