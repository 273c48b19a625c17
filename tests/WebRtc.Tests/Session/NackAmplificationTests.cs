using WebRtcBridge.WebRtc.Rtp;
using WebRtcBridge.WebRtc.Session;
using Xunit.Abstractions;

namespace WebRtcBridge.WebRtc.Tests.Session;

/// <summary>
/// NACK amplification: a peer NACKing everything we sent, over and over, with an RTT it chose. Resends stay within
/// the retransmission budget (half the send bitrate, one second of burst: at most the send bitrate in any second),
/// each packet is resent at most 3 times, and the RTT a peer can induce is floored at 20 ms.
/// </summary>
public class NackAmplificationTests(ITestOutputHelper output)
{
    private const int BitrateKbps = 1000;

    private static PeerConnectionOptions Options() => new() { HostAddresses = [], StartBitrateKbps = BitrateKbps };

    // Sends frames of ~10 packets until about `packets` RTP packets are in the history; returns their sequence numbers.
    private static ushort[] FillHistory(MediaSessionHarness h, int packets)
    {
        var frame = new byte[MediaSession.MaxPayloadSize * 10 - 100];
        new Random(1).NextBytes(frame);
        frame[0] = 0x10; // a delta frame tag; the payload is not decoded by anyone
        var seqs = new List<ushort>();
        for (uint ts = 1; seqs.Count < packets; ts += 3000)
        {
            h.Session.SendEncodedFrame(frame, ts, isKeyFrame: false);
            foreach (var d in h.TakeSent()) if (MediaSessionHarness.IsRtp(d)) seqs.Add(MediaSessionHarness.Seq(d));
        }
        return seqs.ToArray();
    }

    [Fact]
    public void NackStorm_BytesResentPerSecond_StayWithinTheSendBitrate_AndDropsAreCounted()
    {
        using var h = new MediaSessionHarness(Options());
        var seqs = FillHistory(h, 1000);
        long start = Environment.TickCount64; // the history's clock: packets stay resendable for 2 s
        var resentAt = new List<(long T, int Bytes)>();
        var perPacket = new Dictionary<ushort, int>();
        for (long t = start; t < start + 1900; t += 10) // the peer NACKs the whole history every 10 ms
        {
            for (int i = 0; i < seqs.Length; i += 400) h.Nack(seqs.AsSpan(i, Math.Min(400, seqs.Length - i)), t);
            foreach (var d in h.TakeSent())
            {
                if (!MediaSessionHarness.IsRtp(d)) continue;
                resentAt.Add((t, d.Length));
                perPacket[MediaSessionHarness.Seq(d)] = perPacket.GetValueOrDefault(MediaSessionHarness.Seq(d)) + 1;
            }
        }

        long budgetPerSecond = BitrateKbps * 1000L / 8;
        long worstWindow = 0;
        foreach (var (t0, _) in resentAt)
            worstWindow = Math.Max(worstWindow, resentAt.Where(r => r.T >= t0 && r.T < t0 + 1000).Sum(r => (long)r.Bytes));
        var stats = h.Session.AddStats(new PeerConnectionStats());
        output.WriteLine($"resent {resentAt.Count} packets, {resentAt.Sum(r => r.Bytes)} bytes in 1.9 s; worst 1 s window {worstWindow} bytes " +
                         $"(budget {budgetPerSecond}); refused over budget {stats.RetransmissionsOverBudget}, over packet limit {stats.RetransmissionsOverPacketLimit}");
        Assert.InRange(worstWindow, budgetPerSecond / 4, budgetPerSecond);
        Assert.True(stats.RetransmissionsOverBudget > 10_000, "the refused resends are counted");
        Assert.Equal(resentAt.Count, stats.RetransmittedPacketsSent);
        Assert.All(perPacket.Values, n => Assert.InRange(n, 1, SendHistory.DefaultMaxResendsPerPacket));
    }

    [Fact]
    public void RepeatedNacks_ResendAPacketAtMostThreeTimes()
    {
        using var h = new MediaSessionHarness(Options());
        var seqs = FillHistory(h, 5).AsSpan(0, 5).ToArray();
        long start = Environment.TickCount64;
        int resent = 0;
        for (int k = 0; k < 10; k++) // 30 ms apart: above the RTT floor, so only the per-packet cap limits
        {
            h.Nack(seqs, start + k * 30);
            resent += h.TakeSent().Count(MediaSessionHarness.IsRtp);
        }
        var stats = h.Session.AddStats(new PeerConnectionStats());
        Assert.Equal(5 * SendHistory.DefaultMaxResendsPerPacket, resent);
        Assert.Equal(5 * (10 - SendHistory.DefaultMaxResendsPerPacket), stats.RetransmissionsOverPacketLimit);
    }

    [Fact]
    public void PeerInducedTinyRtt_IsFloored_SoAPacketIsNotResentEveryFewMilliseconds()
    {
        using var h = new MediaSessionHarness(Options());
        var seqs = FillHistory(h, 1).AsSpan(0, 1).ToArray();
        long start = Environment.TickCount64;
        double? rtt = null;
        for (int attempt = 0; attempt < 50 && !(rtt < 0.003); attempt++) // a descheduled test thread inflates it: retry
        {
            h.ReportTinyRtt(start);
            rtt = h.Session.AddStats(new PeerConnectionStats()).RoundTripTime;
        }
        Assert.True(rtt < 0.003, $"the peer made our RTT {rtt * 1000} ms");

        h.Nack(seqs, start);
        h.Nack(seqs, start + 6);  // 6 ms later: above the old 5 ms floor, below 20 ms
        Assert.Equal(1, h.TakeSent().Count(MediaSessionHarness.IsRtp));
        h.Nack(seqs, start + 6 + MediaSession.RttFloorMs);
        Assert.Equal(1, h.TakeSent().Count(MediaSessionHarness.IsRtp));
    }
}
