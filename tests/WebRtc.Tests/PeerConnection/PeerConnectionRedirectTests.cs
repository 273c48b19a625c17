using System.Net;
using System.Net.Sockets;
using System.Text;
using WebRtcBridge.WebRtc.Ice;
using Xunit.Abstractions;

namespace WebRtcBridge.WebRtc.Tests.PeerConnection;

/// <summary>
/// Media redirect (RFC 8445 §7.3, RFC 7675): a Binding request with the server's real credentials and USE-CANDIDATE
/// from an address the peer does not receive on (a spoofed source: here another loopback socket that never answers)
/// must not move the server's media there.
/// </summary>
[Collection(PeerConnectionCollection.Name)]
public class PeerConnectionRedirectTests(ITestOutputHelper output)
{
    [Fact(Timeout = 90_000)]
    public async Task SpoofedSourceBindingRequest_WithValidTag_DoesNotMoveMedia()
    {
        await using var pair = new PeerPair();
        var toClient = new FrameCounter(pair.Client);
        await pair.ConnectAsync();
        await PeerPair.SendFramesAsync(pair.Server, 10, 320, 240);
        await toClient.WaitForAsync(5).WaitAsync(TimeSpan.FromSeconds(20));

        using var victim = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        victim.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        long media = 0, stun = 0;
        using var stop = new CancellationTokenSource();
        var listening = Task.Run(async () =>
        {
            var buffer = new byte[2048];
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    int n = await victim.ReceiveAsync(buffer, SocketFlags.None, stop.Token);
                    if (n > 0 && buffer[0] is >= 128 and <= 191) Interlocked.Increment(ref media); // RTP/RTCP (RFC 7983)
                    else if (n > 0 && buffer[0] < 4) Interlocked.Increment(ref stun);
                }
                catch (OperationCanceledException) { break; }
            }
        });

        for (int i = 0; i < 3; i++) victim.SendTo(Nomination(pair.Server.LocalIceCredentials, pair.Client.LocalIceCredentials.Ufrag), pair.Server.LocalEndPoint);
        await PeerConnectionLoopbackTests.WaitUntilAsync(() => Interlocked.Read(ref stun) >= 1, TimeSpan.FromSeconds(10)); // our request was authenticated

        int before = toClient.Decoded;
        await PeerPair.SendFramesAsync(pair.Server, 30, 320, 240);
        await toClient.WaitForAsync(before + 25).WaitAsync(TimeSpan.FromSeconds(20));
        stop.Cancel();
        await listening;

        var stats = pair.Server.GetStats();
        output.WriteLine($"victim got {media} media and {stun} STUN datagrams; server: {stats}");
        Assert.Equal(0, Interlocked.Read(ref media));
        Assert.Equal(PeerConnectionState.Connected, stats.State);
        Assert.True(stats.NominationsDeferred >= 1);
    }

    // A check with the server's real credentials and USE-CANDIDATE, fresh transaction id (RFC 8445 §7.2.2, §8.1.1).
    private static byte[] Nomination((string Ufrag, string Pwd) serverIce, string clientUfrag)
    {
        var request = new byte[256];
        var tx = new byte[12];
        Random.Shared.NextBytes(tx);
        var w = new StunMessageWriter(request, StunMessageType.BindingRequest, tx);
        w.AddText(StunAttributeType.Username, serverIce.Ufrag + ":" + clientUfrag);
        w.AddUInt32(StunAttributeType.Priority, 2130706431);
        w.AddUInt64(StunAttributeType.IceControlling, 42);
        w.AddFlag(StunAttributeType.UseCandidate);
        w.AddMessageIntegrity(Encoding.UTF8.GetBytes(serverIce.Pwd));
        w.AddFingerprint();
        return request[..w.Length];
    }
}
