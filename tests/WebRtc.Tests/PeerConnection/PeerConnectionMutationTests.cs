using System.Net;
using System.Net.Sockets;
using System.Text;
using WebRtcBridge.WebRtc.Ice;
using Xunit.Abstractions;

namespace WebRtcBridge.WebRtc.Tests.PeerConnection;

/// <summary>
/// Garbage at a connected PeerConnection's port from another 127.0.0.1 socket: random bytes, corrupted copies of real
/// RTP/RTCP/STUN traffic, DTLS-looking records. The attacker first passes an ICE check with the server's real
/// credentials (a valid tuple, not nominated), so its packets reach SRTP and RTCP rather than stopping at the source
/// check. Video keeps flowing and the counters show the drops.
/// </summary>
[Collection(PeerConnectionCollection.Name)]
public class PeerConnectionMutationTests(ITestOutputHelper output)
{
    private const int Frames = 240;

    [Fact(Timeout = 120_000)]
    public async Task GarbageDatagrams_NeverBreakAConnectedSession()
    {
        await using var pair = new PeerPair();
        var toServer = new FrameCounter(pair.Server);
        var toClient = new FrameCounter(pair.Client);
        await pair.ConnectAsync();

        var captured = new List<byte[]>();
        pair.Client.Filter = (datagram, outgoing) =>
        {
            if (outgoing) lock (captured) if (captured.Count < 400) captured.Add(datagram.ToArray());
            return false;
        };
        using var attacker = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        attacker.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        attacker.ReceiveTimeout = 10_000;
        var serverEp = pair.Server.LocalEndPoint;
        var clientEp = pair.Client.LocalEndPoint;
        Authenticate(attacker, serverEp, pair.Server.LocalIceCredentials, pair.Client.LocalIceCredentials.Ufrag);

        var sending = Task.WhenAll(
            Task.Run(() => PeerPair.SendFramesAsync(pair.Client, Frames, 320, 240)),
            Task.Run(() => PeerPair.SendFramesAsync(pair.Server, Frames, 320, 240)));
        await PeerConnectionLoopbackTests.WaitUntilAsync(() => { lock (captured) return captured.Count >= 100; }, TimeSpan.FromSeconds(20));

        var random = new Random(42);
        var buffer = new byte[1500];
        int sent = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        while (sent < 3000)
        {
            for (int k = 0; k < 20; k++, sent++)
            {
                int length = MakeGarbage(random, sent, captured, buffer);
                attacker.SendTo(buffer.AsSpan(0, length), SocketFlags.None, sent % 4 == 3 ? clientEp : serverEp);
            }
            await timer.WaitForNextTickAsync();
        }
        await sending;
        try { await Task.WhenAll(toServer.WaitForAsync(Frames - 5), toClient.WaitForAsync(Frames - 5)).WaitAsync(TimeSpan.FromSeconds(3)); }
        catch (TimeoutException) { }

        var server = pair.Server.GetStats();
        var client = pair.Client.GetStats();
        output.WriteLine($"server: decoded {toServer.Decoded}: {server}");
        output.WriteLine($"client: decoded {toClient.Decoded}: {client}");
        Assert.Equal(PeerConnectionState.Connected, server.State);
        Assert.Equal(PeerConnectionState.Connected, client.State);
        Assert.InRange(toServer.Decoded, Frames * 9 / 10, Frames);
        Assert.InRange(toClient.Decoded, Frames * 9 / 10, Frames);
        Assert.True(server.SrtpAuthFailures > 100, "corrupted SRTP/SRTCP copies fail authentication");
        Assert.True(server.MalformedPackets > 100, "random datagrams are counted as malformed");
        Assert.True(client.UnknownSourceDrops > 50, "media/DTLS from an unvalidated address is dropped");
        Assert.True(server.DatagramsReceived > 2000);
    }

    // RFC 8445 §7.2.2 Binding request with the server's real credentials, without USE-CANDIDATE: a valid, unselected tuple.
    private static void Authenticate(Socket socket, IPEndPoint server, (string Ufrag, string Pwd) serverIce, string clientUfrag)
    {
        var request = new byte[256];
        var tx = new byte[12];
        Random.Shared.NextBytes(tx);
        var w = new StunMessageWriter(request, StunMessageType.BindingRequest, tx);
        w.AddText(StunAttributeType.Username, serverIce.Ufrag + ":" + clientUfrag);
        w.AddUInt32(StunAttributeType.Priority, 1);
        w.AddUInt64(StunAttributeType.IceControlling, 42);
        w.AddMessageIntegrity(Encoding.UTF8.GetBytes(serverIce.Pwd));
        w.AddFingerprint();
        int length = w.Length;
        socket.SendTo(request.AsSpan(0, length), SocketFlags.None, server);
        var response = new byte[512];
        int n = socket.Receive(response);
        Assert.True(StunMessage.TryParse(response.AsSpan(0, n), out var message));
        Assert.Equal(StunMessageType.BindingSuccessResponse, message.MessageType);
    }

    private static int MakeGarbage(Random random, int index, List<byte[]> captured, byte[] buffer)
    {
        switch (index % 6)
        {
            case 0: // random bytes, any first byte
            {
                int length = random.Next(1, 1400);
                random.NextBytes(buffer.AsSpan(0, length));
                return length;
            }
            case 1:
            case 2:
            case 3: // corrupted copy of real traffic (RTP, RTCP, STUN): flips or truncation
            {
                byte[] source;
                lock (captured) source = captured[random.Next(captured.Count)];
                int length = source.Length;
                source.CopyTo(buffer, 0);
                if (random.Next(4) == 0) length = random.Next(1, length);
                int flips = random.Next(1, 4);
                for (int f = 0; f < flips; f++) buffer[random.Next(length)] ^= (byte)random.Next(1, 256);
                buffer[0] = source[0]; // keep the demultiplexing class so the packet reaches its protocol's parser
                return length;
            }
            case 4: // DTLS-looking record (first byte 20..63)
            {
                int length = random.Next(1, 300);
                random.NextBytes(buffer.AsSpan(0, length));
                buffer[0] = (byte)random.Next(20, 64);
                if (length > 2) { buffer[1] = 0xFE; buffer[2] = 0xFD; }
                return length;
            }
            default: // RTP/RTCP-looking header, random body
            {
                int length = random.Next(1, 1200);
                random.NextBytes(buffer.AsSpan(0, length));
                buffer[0] = (byte)(0x80 | random.Next(0, 0x40));
                return length;
            }
        }
    }
}
