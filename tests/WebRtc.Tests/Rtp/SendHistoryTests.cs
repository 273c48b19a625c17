using System.Buffers.Binary;
using WebRtcBridge.WebRtc.Rtp;

namespace WebRtcBridge.WebRtc.Tests.Rtp;

public class SendHistoryTests
{
    private static byte[] Packet(ushort seq, int size = 1100)
    {
        var p = new byte[size];
        var w = new RtpPacketWriter(p, 96, seq, seq * 10u, 0x1234);
        w.GetPayloadSpan(size - 12).Fill((byte)seq);
        w.Complete();
        return p;
    }

    [Fact]
    public void KeepsOneSecond_At30FpsWithEightPacketsPerFrame_AcrossSequenceWrap()
    {
        var h = new SendHistory();
        ushort seq = 65300;
        long now = 0;
        var sentAt = new Dictionary<ushort, long>();
        for (int frame = 0; frame < 60; frame++) // 2 s, 480 packets, wraps at 65535
        {
            now = frame * 1000L / 30;
            for (int k = 0; k < 8; k++)
            {
                Assert.True(h.Store(Packet(seq), now));
                sentAt[seq] = now;
                seq++;
            }
        }
        Assert.True(seq < 65300); // wrapped
        var buf = new byte[1500];
        int found = 0;
        foreach (var (s, t) in sentAt)
        {
            if (now - t > 1000) continue;
            Assert.True(h.TryGetForRetransmission(s, now, 100, buf, out int n), $"seq {s}");
            Assert.Equal(Packet(s), buf.AsSpan(0, n).ToArray());
            found++;
        }
        Assert.True(found >= 240);
        Assert.Equal(found, h.Retransmitted);
        Assert.Equal(0, h.EvictedYoungerThanOneSecond);
    }

    [Fact]
    public void OverwrittenSlot_IsMissing_AndCounted()
    {
        var h = new SendHistory(capacity: 16);
        for (ushort s = 0; s < 20; s++) h.Store(Packet(s, 100), 0);
        var buf = new byte[1500];
        Assert.False(h.TryGetForRetransmission(2, 0, 0, buf, out _)); // replaced by 18
        Assert.True(h.TryGetForRetransmission(18, 0, 0, buf, out int n));
        Assert.Equal(Packet(18, 100), buf.AsSpan(0, n).ToArray());
        Assert.Equal(1, h.MissingFromHistory);
        Assert.Equal(4, h.EvictedYoungerThanOneSecond);
    }

    [Fact]
    public void SameSequence_NotResentWithinInterval()
    {
        var h = new SendHistory();
        h.Store(Packet(7, 200), 0);
        var buf = new byte[1500];
        Assert.True(h.TryGetForRetransmission(7, 10, 100, buf, out _));
        Assert.False(h.TryGetForRetransmission(7, 50, 100, buf, out _));
        Assert.Equal(1, h.SuppressedResends);
        Assert.True(h.TryGetForRetransmission(7, 110, 100, buf, out _));
        Assert.Equal(2, h.Retransmitted);
    }

    [Fact]
    public void Expired_AndNeverSent_AreMissing()
    {
        var h = new SendHistory(maxAgeMs: 1500);
        h.Store(Packet(1, 100), 0);
        var buf = new byte[1500];
        Assert.False(h.TryGetForRetransmission(1, 1501, 0, buf, out _));
        Assert.False(h.TryGetForRetransmission(2, 0, 0, buf, out _));
        Assert.Equal(2, h.MissingFromHistory);
    }

    [Fact]
    public void OversizedOrShortPackets_AreRejected()
    {
        var h = new SendHistory(maxPacketSize: 500);
        Assert.False(h.Store(new byte[501], 0));
        Assert.False(h.Store(new byte[11], 0));
        Assert.Equal(2, h.RejectedPackets);
    }

    [Fact]
    public void StoreAndLookup_DoNotAllocate()
    {
        var h = new SendHistory();
        var p = Packet(0, 1200);
        var buf = new byte[1500];
        int i = 0;
        long allocated = AllocationProbe.MinAllocatedBytes(() =>
        {
            for (int k = 0; k < 2000; k++, i++)
            {
                BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(2), (ushort)i);
                h.Store(p, i);
                h.TryGetForRetransmission((ushort)(i - 50), i, 0, buf, out _);
            }
        });
        Assert.Equal(0, allocated);
        Assert.True(h.Retransmitted > 1000);
    }
}
