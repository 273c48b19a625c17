using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using WebRtcBridge.WebRtc.Ice;
using WebRtcBridge.WebRtc.Transport;

namespace WebRtcBridge.WebRtc.Tests.Ice;

/// <summary>The controlling agent and the lite agent over real UDP sockets on 127.0.0.1, demultiplexed by the classifier.</summary>
public class IceLoopbackUdpTests
{
    [Fact]
    public void ControllingAgent_ConnectsToLiteAgent_OverLoopbackUdp()
    {
        using var serverSocket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        using var clientSocket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        serverSocket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        clientSocket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var serverEp = (IPEndPoint)serverSocket.LocalEndPoint!;
        var clientEp = (IPEndPoint)clientSocket.LocalEndPoint!;

        var server = new IceLiteAgent();
        var client = new IceControllingAgent();
        client.SetRemoteCredentials(server.LocalUfrag, server.LocalPwd);
        server.RemoteUfrag = client.LocalUfrag;
        client.AddLocalCandidate(IceCandidate.CreateHost(clientEp));
        client.AddRemoteCandidate(IceCandidate.CreateHost(serverEp));

        // Noise that must be classified away and never reach the agent.
        serverSocket.SendTo(new byte[] { 0x80, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1 }, clientEp);

        var clock = Stopwatch.StartNew();
        var buf = new byte[2048];
        var resp = new byte[IceLiteAgent.MinResponseBufferSize];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        int nonStun = 0;
        while (client.State != IceState.Connected && clock.ElapsedMilliseconds < 10_000)
        {
            foreach (var d in client.Tick(clock.ElapsedMilliseconds))
                clientSocket.SendTo(d.Data.Span, d.RemoteEndPoint);
            if (serverSocket.Poll(5_000, SelectMode.SelectRead))
            {
                int n = serverSocket.ReceiveFrom(buf, ref any);
                if (PacketClassifier.Classify(buf.AsSpan(0, n)) == PacketKind.Stun &&
                    server.HandleStunRequest(buf.AsSpan(0, n), (IPEndPoint)any, resp, out int len, clock.ElapsedMilliseconds) != IceLiteResult.Dropped)
                    serverSocket.SendTo(resp.AsSpan(0, len), any);
            }
            if (clientSocket.Poll(5_000, SelectMode.SelectRead))
            {
                int n = clientSocket.ReceiveFrom(buf, ref any);
                if (PacketClassifier.Classify(buf.AsSpan(0, n)) == PacketKind.Stun)
                    client.HandleStunMessage(buf.AsSpan(0, n), (IPEndPoint)any, clock.ElapsedMilliseconds);
                else nonStun++;
            }
        }
        Assert.Equal(IceState.Connected, client.State);
        Assert.Equal(serverEp, client.SelectedPair!.RemoteEndPoint);
        Assert.Equal(IceState.Connected, server.State);
        Assert.True(server.IsNominated);
        Assert.Equal(clientEp, server.SelectedEndpoint);
        Assert.Equal(1, nonStun);
    }
}
