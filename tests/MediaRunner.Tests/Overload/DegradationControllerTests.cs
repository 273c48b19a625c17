using WebRtcBridge.MediaRunner.Overload;

namespace WebRtcBridge.MediaRunner.Tests.Overload;

/// <summary>The degradation controller's decisions from synthetic samples (no clock, no threads).</summary>
public sealed class DegradationControllerTests
{
    private static readonly SessionLoadSample Overloaded = new(FramesOffered: 30, FramesDropped: 6, Busy: 0.95, NodeLoad: 0.99);
    private static readonly SessionLoadSample Calm = new(FramesOffered: 30, FramesDropped: 0, Busy: 0.10, NodeLoad: 0.30);
    private static readonly SessionLoadSample Middling = new(FramesOffered: 30, FramesDropped: 0, Busy: 0.60, NodeLoad: 0.60);

    [Fact]
    public void Steps_down_one_level_after_two_overloaded_samples_then_lets_one_sample_settle()
    {
        var c = new DegradationController();
        Assert.Equal(DegradationChange.None, c.Update(Overloaded).Change);
        var d = c.Update(Overloaded);
        Assert.Equal((1, DegradationChange.Down), (d.Level, d.Change));
        Assert.Contains("dropped", d.Reason);
        Assert.Equal(DegradationChange.None, c.Update(Overloaded).Change); // settling: the sample mixes both levels
        Assert.Equal(DegradationChange.None, c.Update(Overloaded).Change);
        Assert.Equal(2, c.Update(Overloaded).Level);
    }

    [Fact]
    public void Heavy_drops_step_down_at_once()
    {
        var c = new DegradationController();
        var d = c.Update(new SessionLoadSample(30, 15, 0.5, 0.5));
        Assert.Equal((1, DegradationChange.Down), (d.Level, d.Change));
    }

    [Theory]
    [InlineData(30, 0, 0.90, 0.50)]   // busy
    [InlineData(30, 3, 0.40, 0.50)]   // 10 % dropped
    [InlineData(30, 0, 0.55, 0.98)]   // node saturated while this session is busy
    public void Each_overload_signal_steps_down(long offered, long dropped, double busy, double node)
    {
        var c = new DegradationController();
        var s = new SessionLoadSample(offered, dropped, busy, node);
        c.Update(s);
        Assert.Equal(1, c.Update(s).Level);
    }

    [Fact]
    public void A_saturated_node_alone_does_not_degrade_an_idle_session()
    {
        var c = new DegradationController();
        for (int i = 0; i < 10; i++) c.Update(new SessionLoadSample(30, 0, 0.2, 1.0));
        Assert.Equal(0, c.Level);
    }

    [Fact]
    public void Never_goes_below_the_floor()
    {
        var c = new DegradationController();
        for (int i = 0; i < 100; i++) c.Update(Overloaded);
        Assert.Equal(DegradationLadder.Floor, c.Level);
        var floor = DegradationLadder.Levels[c.Level];
        Assert.True(floor.KeepFraction >= 1.0 / 3 && floor.Scale >= 0.5);
    }

    [Fact]
    public void Recovers_one_level_at_a_time_after_five_calm_samples()
    {
        var c = new DegradationController();
        for (int i = 0; i < 8; i++) c.Update(Overloaded);
        int level = c.Level;
        Assert.True(level >= 3);
        c.Update(Calm); // settle
        for (int i = 0; i < 4; i++) Assert.Equal(DegradationChange.None, c.Update(Calm).Change);
        var d = c.Update(Calm);
        Assert.Equal((level - 1, DegradationChange.Up), (d.Level, d.Change));
        while (c.Level > 0) c.Update(Calm);
        Assert.Equal(0, c.Level);
    }

    [Fact]
    public void Middling_load_holds_the_level_both_ways()
    {
        var c = new DegradationController();
        c.Update(Overloaded);
        c.Update(Overloaded);
        for (int i = 0; i < 50; i++) c.Update(Middling); // not overloaded, but busy × the next level's cost is not calm
        Assert.Equal(1, c.Level);
    }

    [Fact]
    public void A_step_up_undone_soon_doubles_the_wait_for_the_next()
    {
        var c = new DegradationController();
        c.Update(Overloaded);
        c.Update(Overloaded); // level 1
        c.Update(Overloaded); // settle
        c.Update(Overloaded);
        c.Update(Overloaded); // level 2
        c.Update(Calm); // settle
        for (int i = 0; i < 5; i++) c.Update(Calm); // up to 1
        Assert.Equal(1, c.Level);
        c.Update(Overloaded); // settle
        c.Update(Overloaded);
        c.Update(Overloaded); // back to 2 within the backoff window
        Assert.Equal(2, c.Level);
        Assert.Equal(10, c.UpAfterSamples);
        c.Update(Calm); // settle
        for (int i = 0; i < 9; i++) Assert.Equal(2, c.Update(Calm).Level);
        Assert.Equal(1, c.Update(Calm).Level);
    }

    [Fact]
    public void A_step_up_waits_for_the_nodes_permit()
    {
        var c = new DegradationController();
        c.Update(Overloaded);
        c.Update(Overloaded);
        c.Update(Calm); // settle
        var asked = new List<int>();
        for (int i = 0; i < 20; i++) c.Update(Calm, to => { asked.Add(to); return false; });
        Assert.Equal(1, c.Level);
        Assert.NotEmpty(asked);
        Assert.All(asked, to => Assert.Equal(0, to));
        Assert.Equal(0, c.Update(Calm, _ => true).Level);
    }

    [Fact]
    public void The_ladder_lowers_frame_rate_first_then_speed_then_resolution_and_keeps_bits_per_frame()
    {
        var levels = DegradationLadder.Levels;
        for (int i = 1; i < levels.Count; i++)
        {
            Assert.True(levels[i].RelativeCost < levels[i - 1].RelativeCost);
            // bits per encoded pixel stay at or above level 0's: the bitrate share follows frames × linear scale
            Assert.Equal(levels[i].KeepFraction * levels[i].Scale, levels[i].BitrateFactor, 6);
        }
        Assert.True(levels[3].KeepFraction == 0.5 && levels[3].Scale == 1 && !levels[3].FasterEncoder);
        Assert.True(levels[4].FasterEncoder && levels[4].Scale == 1);
        Assert.True(levels[5].Scale < 1);
        Assert.Equal(-10, DegradationLadder.FasterCpuUsed(-6));
        Assert.Equal(-16, DegradationLadder.FasterCpuUsed(-14));
        Assert.Equal(8, DegradationLadder.FasterCpuUsed(4));
    }
}
