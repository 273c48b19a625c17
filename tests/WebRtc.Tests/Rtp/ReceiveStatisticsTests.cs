using WebRtcBridge.WebRtc.Rtp;

namespace WebRtcBridge.WebRtc.Tests.Rtp;

public class ReceiveStatisticsTests
{
    [Fact]
    public void LossReorderAndWrap_ExtendedSeqCumulativeAndFractionLost()
    {
        var s = new StreamReceiveStatistics(1);
        // 65530..65535, 0..20 (27 expected); lose 65534, 3 and 10; deliver 5 before 4.
        var order = new List<ushort>();
        for (int i = 65530; i <= 65535; i++) if (i != 65534) order.Add((ushort)i);
        for (ushort i = 0; i <= 20; i++) if (i is not 3 and not 10 and not 4 and not 5) order.Add(i);
        order.Insert(order.IndexOf(6), 5);
        order.Insert(order.IndexOf(6), 4);
        long t = 0;
        foreach (var seq in order) s.OnPacket(seq, 0, t += 10);

        Assert.Equal(65536u + 20, s.ExtendedHighestSequence);
        Assert.Equal(27, s.Expected);
        Assert.Equal(3, s.CumulativeLost);
        Assert.Equal(1, s.PacketsOutOfOrder);
        var rb = s.CreateReportBlock(t);
        Assert.Equal(3 * 256 / 27, rb.FractionLost);
        Assert.Equal(3, rb.CumulativeLost);
        Assert.Equal(65536u + 20, rb.ExtendedHighestSequence);

        // Next interval: 10 packets, no loss, plus the late retransmission of 10.
        for (ushort i = 21; i <= 30; i++) s.OnPacket(i, 0, t += 10);
        s.OnPacket(10, 0, t += 10);
        var rb2 = s.CreateReportBlock(t);
        Assert.Equal(0, rb2.FractionLost); // negative interval loss reports 0
        Assert.Equal(2, rb2.CumulativeLost);
    }

    [Fact]
    public void Jitter_FollowsRfc3550A8()
    {
        var s = new StreamReceiveStatistics(1, clockRate: 90000);
        // One frame per 100 ms: timestamps +9000. Constant transit -> jitter 0.
        for (int i = 0; i < 5; i++) s.OnPacket((ushort)i, (uint)(i * 9000), 1000 + i * 100);
        Assert.Equal(0u, s.Jitter);
        // Frame 5 arrives 10 ms late: D = 900 -> J = 900/16 = 56.
        s.OnPacket(5, 5 * 9000, 1000 + 500 + 10);
        Assert.Equal(56u, s.Jitter);
        // Frame 6 on time again: D = 900 -> J = 56.25 + (900 - 56.25)/16 = 109.
        s.OnPacket(6, 6 * 9000, 1000 + 600);
        Assert.Equal(109u, s.Jitter);
        // A second packet of the same frame (same timestamp) does not count as jitter.
        s.OnPacket(7, 6 * 9000, 1000 + 650);
        Assert.Equal(109u, s.Jitter);
    }

    [Fact]
    public void LsrAndDlsr_FromLastSenderReport()
    {
        var s = new StreamReceiveStatistics(1);
        s.OnPacket(1, 0, 0);
        Assert.Equal(0u, s.CreateReportBlock(100).LastSenderReport);
        s.OnSenderReport(0x0001_2345_6789_ABCD, 1000);
        var rb = s.CreateReportBlock(1500);
        Assert.Equal(0x2345_6789u, rb.LastSenderReport);
        Assert.Equal(32768u, rb.DelaySinceLastSenderReport); // 0.5 s in 1/65536 s
    }

    [Fact]
    public void Probation_RequiresSequentialPackets()
    {
        var s = new StreamReceiveStatistics(1, minSequential: 2);
        Assert.False(s.OnPacket(100, 0, 0));
        Assert.True(s.OnPacket(101, 0, 1));
        Assert.Equal(1, s.PacketsReceived);
        Assert.Equal(1, s.Expected);
    }

    [Fact]
    public void LargeJump_IsDiscarded_UnlessFollowedInSequence()
    {
        var s = new StreamReceiveStatistics(1);
        s.OnPacket(100, 0, 0);
        Assert.False(s.OnPacket(20000, 0, 1));
        Assert.Equal(100u, s.ExtendedHighestSequence);
        Assert.True(s.OnPacket(20001, 0, 2)); // the source restarted: resync
        Assert.Equal(20001u, s.ExtendedHighestSequence);
        Assert.Equal(0, s.CumulativeLost);
    }

    [Fact]
    public void Registry_BoundsStreams_AndBuildsBlocks()
    {
        var r = new ReceiveStatistics(maxStreams: 2);
        Assert.NotNull(r.OnPacket(1, 1, 0, 0));
        Assert.NotNull(r.OnPacket(2, 1, 0, 0));
        Assert.Null(r.OnPacket(3, 1, 0, 0));
        Assert.Equal(1, r.UntrackedPackets);
        r.OnPacket(1, 3, 0, 10); // seq 2 lost
        Span<WebRtcBridge.WebRtc.Rtp.Rtcp.ReportBlock> blocks = stackalloc WebRtcBridge.WebRtc.Rtp.Rtcp.ReportBlock[4];
        int n = r.CreateReportBlocks(20, blocks);
        Assert.Equal(2, n);
        var b1 = blocks[0].Ssrc == 1 ? blocks[0] : blocks[1];
        Assert.Equal(1, b1.CumulativeLost);
        Assert.Equal(256 / 3, b1.FractionLost);
    }
}
