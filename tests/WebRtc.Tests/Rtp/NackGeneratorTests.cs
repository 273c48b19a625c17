using WebRtcBridge.WebRtc.Rtp;

namespace WebRtcBridge.WebRtc.Tests.Rtp;

public class NackGeneratorTests
{
    private static ushort[] Batch(NackGenerator g, long now)
    {
        Span<ushort> d = stackalloc ushort[64];
        return d.Slice(0, g.GetNackBatch(now, d)).ToArray();
    }

    [Fact]
    public void Gap_IsNackedImmediately_ThenOncePerRtt()
    {
        var g = new NackGenerator { RttMs = 50 };
        g.OnPacket(10, 0);
        g.OnPacket(14, 5);
        Assert.Equal(new ushort[] { 11, 12, 13 }, Batch(g, 5));
        Assert.Empty(Batch(g, 30));               // within one RTT
        Assert.Equal(new ushort[] { 11, 12, 13 }, Batch(g, 55));
        Assert.Equal(6, g.NacksRequested);
    }

    [Fact]
    public void RetransmissionArrives_IsRemoved()
    {
        var g = new NackGenerator();
        g.OnPacket(10, 0);
        g.OnPacket(14, 0);
        g.OnPacket(12, 20);
        Assert.Equal(1, g.Recovered);
        Assert.Equal(2, g.MissingCount);
        Assert.Equal(new ushort[] { 11, 13 }, Batch(g, 20));
        g.OnPacket(12, 21); // duplicate: not missing, nothing changes
        Assert.Equal(1, g.Recovered);
    }

    [Fact]
    public void MaxRetries_GivesUp_AndRequestsKeyframe()
    {
        var g = new NackGenerator(new NackGeneratorOptions { MaxRetries = 3, MaxAgeMs = 0 }) { RttMs = 10 };
        g.OnPacket(1, 0);
        g.OnPacket(3, 0);
        for (int i = 0; i < 3; i++) Assert.Equal(new ushort[] { 2 }, Batch(g, i * 10));
        Assert.False(g.KeyframeRequestPending);
        Assert.Empty(Batch(g, 30));
        Assert.Equal(0, g.MissingCount);
        Assert.Equal(1, g.Unrecoverable);
        Assert.True(g.TakeKeyframeRequest());
        Assert.False(g.TakeKeyframeRequest());
    }

    [Fact]
    public void MaxAgeMs_GivesUp()
    {
        var g = new NackGenerator(new NackGeneratorOptions { MaxAgeMs = 500 });
        g.OnPacket(1, 0);
        g.OnPacket(3, 0);
        Assert.Single(Batch(g, 0));
        Assert.Empty(Batch(g, 501));
        Assert.True(g.TakeKeyframeRequest());
    }

    [Fact]
    public void Wraparound_GapAcross65535()
    {
        var g = new NackGenerator();
        g.OnPacket(65533, 0);
        g.OnPacket(1, 0);
        Assert.Equal(new ushort[] { 65534, 65535, 0 }, Batch(g, 0));
        g.OnPacket(65535, 1);
        Assert.Equal(2, g.MissingCount);
    }

    [Fact]
    public void Overflow_ClearsList_AndRequestsKeyframe()
    {
        var g = new NackGenerator(new NackGeneratorOptions { MaxNackPackets = 10 });
        g.OnPacket(0, 0);
        g.OnPacket(5, 0);
        Assert.Equal(4, g.MissingCount);
        g.OnPacket(20, 0); // 14 more missing: 18 > 10
        Assert.Equal(0, g.MissingCount);
        Assert.Equal(1, g.Overflows);
        Assert.Equal(18, g.Unrecoverable);
        Assert.True(g.TakeKeyframeRequest());
        g.OnPacket(22, 0); // tracking continues after the overflow
        Assert.Equal(new ushort[] { 21 }, Batch(g, 0));
    }

    [Fact]
    public void MaxPacketAge_DropsOldMissingPackets()
    {
        var g = new NackGenerator(new NackGeneratorOptions { MaxPacketAge = 100, MaxAgeMs = 0 });
        g.OnPacket(0, 0);
        g.OnPacket(2, 0); // 1 missing
        for (ushort s = 3; s <= 101; s++) g.OnPacket(s, 0);
        Assert.Equal(1, g.MissingCount);
        g.OnPacket(102, 0); // 1 is now 101 behind
        Assert.Equal(0, g.MissingCount);
        Assert.True(g.TakeKeyframeRequest());
    }

    [Fact]
    public void Keyframe_DropsOlderGaps_WithoutKeyframeRequest()
    {
        var g = new NackGenerator();
        g.OnPacket(0, 0);
        g.OnPacket(3, 0);  // 1, 2 missing
        g.OnPacket(10, 0); // 4..9 missing
        g.OnPacket(5, 0);
        g.OnKeyframe(5);   // a keyframe starts at 5: older gaps no longer matter
        Assert.Equal(new ushort[] { 6, 7, 8, 9 }, Batch(g, 0));
        Assert.False(g.TakeKeyframeRequest());
    }

    [Fact]
    public void RandomTraffic_StaysBounded_AndAllocationFree()
    {
        var g = new NackGenerator(new NackGeneratorOptions { MaxNackPackets = 50 });
        var rnd = new Random(4);
        var d = new ushort[64];
        ushort seq = 60000;
        long now = 0;
        int maxMissing = 0;
        long allocated = AllocationProbe.MinAllocatedBytes(() =>
        {
            for (int i = 0; i < 4000; i++, now++)
            {
                seq += (ushort)(rnd.Next(10) == 0 ? rnd.Next(1, 8) : 1);
                g.OnPacket(seq, now);
                if (rnd.Next(3) == 0) g.OnPacket((ushort)(seq - rnd.Next(1, 30)), now);
                g.GetNackBatch(now, d);
                maxMissing = Math.Max(maxMissing, g.MissingCount);
            }
        });
        Assert.Equal(0, allocated);
        Assert.True(maxMissing <= 50);
        Assert.True(g.Recovered > 0);
    }
}
