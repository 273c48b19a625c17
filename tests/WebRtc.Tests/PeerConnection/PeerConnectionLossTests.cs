using Xunit.Abstractions;

namespace WebRtcBridge.WebRtc.Tests.PeerConnection;

/// <summary>
/// 5 % random loss (seeded) in both directions, injected with the transport's test hook
/// (<see cref="WebRtcBridge.WebRtc.Transport.DatagramFilter"/> on each peer's outgoing datagrams, every kind: STUN,
/// DTLS, RTP, RTCP): NACK retransmissions and PLI keep the video going.
/// </summary>
[Collection(PeerConnectionCollection.Name)]
public class PeerConnectionLossTests(ITestOutputHelper output)
{
    private const int Frames = 300;

    [Fact(Timeout = 120_000)]
    public async Task FivePercentLoss_BothWays_NackAndPliKeepVideoFlowing()
    {
        await using var pair = new PeerPair();
        pair.Server.Filter = Dropper(1234);
        pair.Client.Filter = Dropper(5678);
        var toServer = new FrameCounter(pair.Server);
        var toClient = new FrameCounter(pair.Client);
        await pair.ConnectAsync();

        await Task.WhenAll(
            Task.Run(() => PeerPair.SendFramesAsync(pair.Client, Frames, 640, 480)),
            Task.Run(() => PeerPair.SendFramesAsync(pair.Server, Frames, 640, 480)));
        try
        {
            await Task.WhenAll(toServer.WaitForAsync(290), toClient.WaitForAsync(290)).WaitAsync(TimeSpan.FromSeconds(3));
        }
        catch (TimeoutException)
        {
            // fine: some frames may be unrecoverable; the asserts below hold the bar at 90 %
        }

        var server = pair.Server.GetStats();
        var client = pair.Client.GetStats();
        output.WriteLine($"server: decoded {toServer.Decoded} maxGap {toServer.MaxGapMs} ms at ts {toServer.MaxGapRtpTimestamp}, {server}");
        output.WriteLine($"client: decoded {toClient.Decoded} maxGap {toClient.MaxGapMs} ms at ts {toClient.MaxGapRtpTimestamp}, {client}");
        Assert.InRange(toServer.Decoded, 270, Frames);
        Assert.InRange(toClient.Decoded, 270, Frames);
        Assert.InRange(toServer.MaxGapMs, 0, 1000);
        Assert.InRange(toClient.MaxGapMs, 0, 1000);
        Assert.True(server.NackCount > 0 && client.NackCount > 0, "both receivers sent NACKs");
        Assert.True(server.RetransmittedPacketsSent > 0 && client.RetransmittedPacketsSent > 0, "both senders retransmitted");
        Assert.True(server.NackReceivedCount > 0 && client.NackReceivedCount > 0);
        Assert.True(server.PacketsLost >= 0 && client.PacketsLost >= 0);
    }

    private static WebRtcBridge.WebRtc.Transport.DatagramFilter Dropper(int seed)
    {
        var random = new Random(seed);
        var gate = new object();
        return (_, outgoing) =>
        {
            if (!outgoing) return false;
            lock (gate) return random.Next(100) < 5;
        };
    }
}
