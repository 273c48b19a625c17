using WebRtcBridge.MediaRunner.Overload;

namespace WebRtcBridge.MediaRunner.Tests.Overload;

/// <summary>NodeLoad's measurement and LoadAdmission's decision, on a manual clock and a fake CPU counter.</summary>
public sealed class NodeLoadTests
{
    /// <summary>A clock that moves only when told (timestamps in milliseconds).</summary>
    private sealed class ManualClock : TimeProvider
    {
        public long Ms;
        public override long TimestampFrequency => 1000;
        public override long GetTimestamp() => Ms;
    }

    private sealed class Rig
    {
        public readonly ManualClock Clock = new();
        public TimeSpan Cpu;
        public readonly NodeLoad Node;
        public Rig(int cores = 2) => Node = new NodeLoad(() => Cpu, Clock, cores);

        /// <summary>One second in which the process used <paramref name="cpuMs"/> and sent <paramref name="frames"/> frames.</summary>
        public NodeLoadSnapshot Second(double cpuMs, long frames)
        {
            Clock.Ms += 1000;
            Cpu += TimeSpan.FromMilliseconds(cpuMs);
            Node.AddFramesOut(frames);
            return Node.Read();
        }
    }

    [Fact]
    public void Load_and_cpu_per_frame_are_measured_against_all_cores()
    {
        var rig = new Rig(cores: 2);
        var s = rig.Second(cpuMs: 1000, frames: 200); // 10 sessions of 20 fps? 200 frames at 5 ms
        Assert.Equal(0.5, s.Load, 3);
        Assert.Equal(5.0, s.CpuMsPerFrame, 3);
        Assert.Equal(5.0 * 30 / 2000, s.SessionLoad, 3); // one more 30 fps session: 150 ms/s of 2000
        for (int i = 0; i < 30; i++) s = rig.Second(cpuMs: 1600, frames: 320);
        Assert.Equal(0.8, s.Load, 2);
        Assert.Equal(5.0, s.CpuMsPerFrame, 2);
    }

    [Fact]
    public void Cpu_per_frame_is_unknown_until_frames_were_sent()
    {
        var rig = new Rig();
        var s = rig.Second(cpuMs: 300, frames: 0);
        Assert.True(double.IsNaN(s.CpuMsPerFrame));
        Assert.True(double.IsNaN(s.SessionLoad));
        Assert.Null(s.ToHealth()["cpuMsPerFrame"]);
    }

    [Fact]
    public void Admission_refuses_when_the_projected_load_exceeds_MaxLoad()
    {
        var rig = new Rig(cores: 2);
        var admission = new LoadAdmission(rig.Node, new AdmissionOptions { MaxLoad = 0.85 });
        for (int i = 0; i < 30; i++) rig.Second(cpuMs: 1450, frames: 290); // load 0.725, +0.075 per session
        var first = admission.TryAdmit();
        Assert.True(first.Admitted); // 0.725 + 0.075 = 0.80
        var second = admission.TryAdmit();
        Assert.False(second.Admitted); // 0.725 + 2 × 0.075 (the first is still pending) = 0.875
        Assert.StartsWith("unavailable: node at capacity", second.Error);
        Assert.Contains("of 2 cores", second.Error);
    }

    [Fact]
    public void Admission_admits_under_MaxLoad_and_when_disabled_or_unmeasured()
    {
        var rig = new Rig(cores: 2);
        Assert.True(new LoadAdmission(rig.Node, new AdmissionOptions()).TryAdmit().Admitted); // nothing measured yet
        for (int i = 0; i < 30; i++) rig.Second(cpuMs: 1900, frames: 380); // 0.95 busy
        Assert.False(new LoadAdmission(rig.Node, new AdmissionOptions()).TryAdmit().Admitted);
        Assert.True(new LoadAdmission(rig.Node, new AdmissionOptions { Enabled = false }).TryAdmit().Admitted);
        var light = new Rig(cores: 2);
        for (int i = 0; i < 30; i++) light.Second(cpuMs: 400, frames: 80);
        var admission = new LoadAdmission(light.Node, new AdmissionOptions());
        for (int i = 0; i < 5; i++) Assert.True(admission.TryAdmit().Admitted); // 0.2 + 5 × 0.075 = 0.575
    }

    [Fact]
    public void Pending_admissions_expire_once_the_measurement_can_show_them()
    {
        var rig = new Rig(cores: 2);
        for (int i = 0; i < 30; i++) rig.Second(cpuMs: 1000, frames: 200);
        rig.Node.NoteAdmitted();
        Assert.Equal(1, rig.Node.Read().PendingAdmissions);
        for (int i = 0; i < 7; i++) rig.Second(cpuMs: 1000, frames: 200);
        Assert.Equal(0, rig.Node.Read().PendingAdmissions);
    }

    [Fact]
    public void Admission_refuses_while_half_the_sessions_run_below_25_fps_whatever_the_cpu_reads()
    {
        var rig = new Rig(cores: 2);
        for (int i = 0; i < 30; i++) rig.Second(cpuMs: 200, frames: 100); // load 0.1: the cores are someone else's
        for (int i = 0; i < 4; i++) rig.Node.SessionStarted();
        var admission = new LoadAdmission(rig.Node, new AdmissionOptions());
        rig.Node.SessionDegraded(true);
        Assert.True(admission.TryAdmit().Admitted); // one of four
        rig.Node.SessionDegraded(true);
        var refused = admission.TryAdmit();
        Assert.False(refused.Admitted); // two of four
        Assert.Equal("unavailable: node at capacity (2 of 4 sessions run below 25 fps), try again later", refused.Error);
        Assert.True(new LoadAdmission(rig.Node, new AdmissionOptions { MaxDegradedShare = 0.75 }).TryAdmit().Admitted);
        rig.Node.SessionDegraded(false);
        Assert.True(admission.TryAdmit().Admitted);
        Assert.True(DegradationLadder.Levels[2].BelowFullRate && !DegradationLadder.Levels[1].BelowFullRate);
    }

    [Fact]
    public void MaxDegradedShare_out_of_range_is_refused_at_start()
        => Assert.Throws<InvalidOperationException>(() => new AdmissionOptions { MaxDegradedShare = 0 }.Validate());

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void MaxLoad_out_of_range_is_refused_at_start(double maxLoad)
        => Assert.Throws<InvalidOperationException>(() => new AdmissionOptions { MaxLoad = maxLoad }.Validate());

    [Fact]
    public void Steps_up_are_granted_one_per_second_and_within_the_limit()
    {
        var rig = new Rig(cores: 2);
        for (int i = 0; i < 30; i++) rig.Second(cpuMs: 1200, frames: 240); // load 0.6
        Assert.True(rig.Node.TryGrantStepUp(0.05, 0.8));
        Assert.False(rig.Node.TryGrantStepUp(0.05, 0.8)); // another session in the same second
        rig.Second(cpuMs: 1200, frames: 240);
        Assert.False(rig.Node.TryGrantStepUp(0.3, 0.8)); // would go over
        Assert.True(rig.Node.TryGrantStepUp(0.1, 0.8));
    }
}
