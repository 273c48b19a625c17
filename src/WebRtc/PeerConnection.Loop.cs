using System.Net;
using WebRtcBridge.WebRtc.Transport;

namespace WebRtcBridge.WebRtc;

// The session's single media loop: receive with a short wait, demultiplex per RFC 7983, and a 10 ms tick for ICE,
// DTLS retransmission, NACK/PLI/RTCP scheduling and frame-assembly timeouts. Nothing thrown escapes it.
public sealed partial class PeerConnection
{
    private const int TickIntervalMs = 10;
    private const int ReceiveBufferSize = 2048;
    private Thread? _loopThread;
    private volatile bool _stopping;
    private long _malformedDatagrams, _unknownSource, _loopErrors;
    private readonly byte[] _stunResponse = new byte[512];
    private readonly byte[] _stunCheck = new byte[512];
    private static readonly IPEndPoint AnyV4 = new(IPAddress.Any, 0);

    private void StartLoop()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = "PeerConnection " + _transport.LocalEndPoint.Port };
        _loopThread = thread;
        thread.Start();
    }

    private void StopLoop()
    {
        _stopping = true;
        var thread = _loopThread;
        if (thread is not null && thread != Thread.CurrentThread) thread.Join();
    }

    private void Run()
    {
        var buffer = new byte[ReceiveBufferSize];
        var source = new SocketAddress(_transport.AddressFamily);
        long nextTick = 0;
        while (!_stopping)
        {
            long now = Environment.TickCount64;
            int waitUs = (int)Math.Clamp((nextTick - now) * 1000, 0, TickIntervalMs * 1000);
            int n = _transport.Receive(buffer, source, waitUs);
            if (n < 0) break;
            now = Environment.TickCount64;
            try
            {
                if (n > 0) HandleDatagram(buffer.AsSpan(0, n), source, now);
                if (now >= nextTick)
                {
                    nextTick = now + TickIntervalMs;
                    Tick(now);
                }
            }
            catch (Exception) when (!_stopping)
            {
                Interlocked.Increment(ref _loopErrors); // a bug or a throwing handler must not kill the session
            }
        }
    }

    private void HandleDatagram(Span<byte> datagram, SocketAddress source, long now)
    {
        switch (PacketClassifier.Classify(datagram))
        {
            case PacketKind.Stun:
                HandleStun(datagram, source, now);
                break;
            case PacketKind.Dtls:
                if (!IsTrustedSource(source)) { Interlocked.Increment(ref _unknownSource); break; }
                if (_dtls is { Role: Dtls.DtlsRole.Server }) StartDtlsOnce(); // a ClientHello from a valid tuple before nomination
                _dtls?.HandleDatagram(datagram);
                break;
            case PacketKind.Rtp:
            case PacketKind.Rtcp:
            {
                var media = _media;
                if (media is null) break; // before DTLS completes: nothing can be decrypted yet
                if (!IsTrustedSource(source)) { Interlocked.Increment(ref _unknownSource); break; }
                if (datagram[1] is >= 192 and <= 223) media.OnRtcp(datagram, now); // RFC 5761 §4
                else media.OnRtp(datagram, now);
                break;
            }
            default:
                Interlocked.Increment(ref _malformedDatagrams);
                break;
        }
    }

    private void HandleStun(ReadOnlySpan<byte> datagram, SocketAddress source, long now)
    {
        var from = (IPEndPoint)AnyV4.Create(source);
        if (_lite is { } lite)
        {
            var result = lite.HandleStunRequest(datagram, from, _stunResponse, out int length, now);
            if (result != Ice.IceLiteResult.Dropped && length > 0) _transport.SendTo(_stunResponse.AsSpan(0, length), source);
            if (lite.TryTakeReturnPathCheck(_stunCheck, out int checkLength)) _transport.SendTo(_stunCheck.AsSpan(0, checkLength), source);
        }
        else if (_controlling is not null)
        {
            int length;
            lock (_iceGate) _controlling.HandleStunMessage(datagram, from, now, _stunResponse, out length);
            if (length > 0) _transport.SendTo(_stunResponse.AsSpan(0, length), source);
        }
    }

    // RFC 8445 §7.3 / docs/webrtc-stack.md#one-socket-one-loop: media and DTLS only from ICE-validated addresses.
    private bool IsTrustedSource(SocketAddress source)
    {
        var remote = _remoteAddress;
        if (remote is not null && remote.Equals(source)) return true;
        return _lite is { } lite && lite.IsValidSource((IPEndPoint)AnyV4.Create(source));
    }

    private void Tick(long now)
    {
        _lite?.Tick(now);
        if (_controlling is { } agent)
        {
            lock (_iceGate)
            {
                var datagrams = agent.Tick(now);
                for (int i = 0; i < datagrams.Count; i++)
                    _transport.SendTo(datagrams[i].Data.Span, datagrams[i].RemoteEndPoint.Serialize());
            }
        }
        if (_dtls is { } dtls && dtls.GetTimeout() is { } due && due <= TimeSpan.Zero) dtls.HandleTimeout();
        _media?.Tick(now);
    }

    private void SendToRemote(ReadOnlySpan<byte> datagram)
    {
        var remote = _remoteAddress;
        if (remote is not null) _transport.SendTo(datagram, remote);
    }
}
