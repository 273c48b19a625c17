using System.Net;
using System.Net.Sockets;

namespace WebRtcBridge.Interop.Tests.Infrastructure;

/// <summary>
/// A UDP relay that drops a chosen share of packets, for loss tests where the kernel has no netem and no packet
/// filter (as in the test namespace here). The outside peer talks to <see cref="PublicEndPoint"/> (announce it in
/// the SDP instead of the real candidate); the relay forwards to <c>target</c> from its own inner socket, and sends
/// the target's packets back to the last outside sender. Only packets that <c>droppable</c> accepts can be dropped,
/// each with probability <c>lossRate</c> from a seeded <see cref="Random"/>.
/// </summary>
public sealed class LossyUdpRelay : IAsyncDisposable
{
    private readonly Socket _public;
    private readonly Socket _inner;
    private readonly IPEndPoint _target;
    private readonly double _lossRate;
    private readonly Random _random;
    private readonly Func<ReadOnlyMemory<byte>, bool> _droppable;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _toTarget, _fromTarget;
    private IPEndPoint? _outsidePeer;
    private long _forwardedIn, _forwardedOut, _droppedIn, _droppedOut;

    /// <summary>Starts relaying: outside peer &lt;-&gt; <paramref name="publicAddress"/>:port &lt;-&gt; inner socket &lt;-&gt; <paramref name="target"/>.</summary>
    public LossyUdpRelay(IPAddress publicAddress, IPEndPoint target, double lossRate, int seed, Func<ReadOnlyMemory<byte>, bool> droppable)
    {
        _target = target;
        _lossRate = lossRate;
        _random = new Random(seed);
        _droppable = droppable;
        _public = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _public.Bind(new IPEndPoint(publicAddress, 0));
        _inner = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _inner.Bind(new IPEndPoint(publicAddress, 0));
        PublicEndPoint = (IPEndPoint)_public.LocalEndPoint!;
        _toTarget = Task.Run(() => PumpAsync(inbound: true));
        _fromTarget = Task.Run(() => PumpAsync(inbound: false));
    }

    /// <summary>The address and port the outside peer must send to.</summary>
    public IPEndPoint PublicEndPoint { get; }

    /// <summary>Packets forwarded outside peer -&gt; target.</summary>
    public long ForwardedIn => Interlocked.Read(ref _forwardedIn);
    /// <summary>Packets forwarded target -&gt; outside peer.</summary>
    public long ForwardedOut => Interlocked.Read(ref _forwardedOut);
    /// <summary>Packets dropped on the way to the target.</summary>
    public long DroppedIn => Interlocked.Read(ref _droppedIn);
    /// <summary>Packets dropped on the way to the outside peer.</summary>
    public long DroppedOut => Interlocked.Read(ref _droppedOut);

    private bool Drop(ReadOnlyMemory<byte> packet)
    {
        if (!_droppable(packet)) return false;
        lock (_random) return _random.NextDouble() < _lossRate;
    }

    private async Task PumpAsync(bool inbound)
    {
        var from = inbound ? _public : _inner;
        var to = inbound ? _inner : _public;
        var buffer = new byte[2048];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult r;
            try
            {
                r = await from.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException) { return; }
            catch (SocketException) { continue; } // e.g. ICMP port unreachable reported on the socket
            var packet = buffer.AsMemory(0, r.ReceivedBytes);
            IPEndPoint? destination;
            if (inbound)
            {
                _outsidePeer = (IPEndPoint)r.RemoteEndPoint;
                destination = _target;
            }
            else
            {
                destination = _outsidePeer;
                if (destination is null) continue;
            }
            if (Drop(packet))
            {
                Interlocked.Increment(ref inbound ? ref _droppedIn : ref _droppedOut);
                continue;
            }
            try
            {
                await to.SendToAsync(packet, SocketFlags.None, destination, _stop.Token);
                Interlocked.Increment(ref inbound ? ref _forwardedIn : ref _forwardedOut);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException) { return; }
            catch (SocketException) { }
        }
    }

    /// <summary>True for RTP media (not RTCP, STUN or DTLS): RFC 7983 first byte 128..191, RFC 5761 §4 PT not 192..223.</summary>
    public static bool IsRtpMedia(ReadOnlyMemory<byte> packet)
    {
        var p = packet.Span;
        return p.Length >= 12 && p[0] is >= 128 and <= 191 && p[1] is < 192 or > 223;
    }

    /// <summary>Stops both pumps and closes the sockets.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _public.Dispose();
        _inner.Dispose();
        try { await Task.WhenAll(_toTarget, _fromTarget); }
        catch (Exception) { /* pumps end on disposal */ }
        _stop.Dispose();
    }
}
