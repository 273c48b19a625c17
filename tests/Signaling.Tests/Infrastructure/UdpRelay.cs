using System.Net;
using System.Net.Sockets;

namespace WebRtcBridge.Signaling.Tests.Infrastructure;

/// <summary>
/// A UDP relay on 127.0.0.1 between a client peer and the server's media port: the client is pointed at
/// <see cref="Port"/>, the server sees the relay's second socket as the client. <see cref="Drop"/> decides per
/// datagram whether it goes through (a vanished peer drops everything; a DTLS failure drops DTLS records only).
/// </summary>
public sealed class UdpRelay : IDisposable
{
    private readonly Socket _front = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly Socket _back = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly IPEndPoint _server;
    private readonly CancellationTokenSource _stop = new();
    private volatile IPEndPoint? _client;

    public UdpRelay(int serverPort)
    {
        _server = new IPEndPoint(IPAddress.Loopback, serverPort);
        _front.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _back.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _ = PumpAsync(_front, fromClient: true);
        _ = PumpAsync(_back, fromClient: false);
    }

    public int Port => ((IPEndPoint)_front.LocalEndPoint!).Port;

    /// <summary>True drops the datagram (first byte per RFC 7983: 0-3 STUN, 20-63 DTLS, 128-191 RTP/RTCP).</summary>
    public volatile Func<byte[], bool>? Drop;

    /// <summary>DTLS records (RFC 7983 §7: first byte 20..63).</summary>
    public static bool IsDtls(byte[] datagram) => datagram.Length > 0 && datagram[0] is >= 20 and <= 63;

    private async Task PumpAsync(Socket from, bool fromClient)
    {
        var buffer = new byte[2048];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var r = await from.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token);
                var datagram = buffer[..r.ReceivedBytes];
                if (fromClient) _client = (IPEndPoint)r.RemoteEndPoint;
                if (Drop?.Invoke(datagram) == true) continue;
                if (fromClient) await _back.SendToAsync(datagram, SocketFlags.None, _server, _stop.Token);
                else if (_client is { } client) await _front.SendToAsync(datagram, SocketFlags.None, client, _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException) { }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _front.Dispose();
        _back.Dispose();
        _stop.Dispose();
    }
}
