using WebRtcBridge.MediaRunner.Overload;

namespace WebRtcBridge.MediaRunner.Tests.Overload;

public sealed class FrameDecimatorTests
{
    [Theory]
    [InlineData(1.0, 30)]
    [InlineData(5.0 / 6, 25)]
    [InlineData(2.0 / 3, 20)]
    [InlineData(0.5, 15)]
    [InlineData(1.0 / 3, 10)]
    public void Keeps_the_share_of_frames_spread_evenly(double keep, int expected)
    {
        var d = new FrameDecimator { KeepFraction = keep };
        var kept = Enumerable.Range(0, 30).Select(_ => d.Keep()).ToArray();
        Assert.Equal(expected, kept.Count(k => k));
        int longestGap = 0, gap = 0;
        foreach (var k in kept) { gap = k ? 0 : gap + 1; longestGap = Math.Max(longestGap, gap); }
        Assert.True(longestGap <= (int)Math.Ceiling(1 / keep) - 1, $"gap {longestGap}");
    }

    [Fact]
    public void Rejects_a_fraction_outside_0_to_1()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrameDecimator { KeepFraction = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrameDecimator { KeepFraction = 1.2 });
    }
}
