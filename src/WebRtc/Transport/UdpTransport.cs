using System.Net;
using System.Net.Sockets;

namespace WebRtcBridge.WebRtc.Transport;

/// <summary>
/// One UDP socket of a session: bound on the configured address and port range, non-allocating send and receive
/// (<see cref="SocketAddress"/>), counters, and an optional <see cref="DatagramFilter"/> test hook.
/// Sends are thread-safe; receiving is done by one loop thread.
/// </summary>
public sealed class UdpTransport : IDisposable
{
    private readonly Socket _socket;
    private long _sent, _received, _sendErrors, _filtered;
    private volatile bool _disposed;

    /// <summary>Binds a UDP socket on <paramref name="bindAddress"/>, on the first free port in minPort..maxPort (0/0 = ephemeral).</summary>
    /// <exception cref="SocketException">No port of the range could be bound.</exception>
    public UdpTransport(IPAddress bindAddress, int minPort = 0, int maxPort = 0)
    {
        ArgumentNullException.ThrowIfNull(bindAddress);
        if (minPort < 0 || maxPort > 65535 || (maxPort != 0 && maxPort < minPort)) throw new ArgumentOutOfRangeException(nameof(minPort), "bad port range");
        _socket = new Socket(bindAddress.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            _socket.ReceiveBufferSize = 1 << 20;
            _socket.SendBufferSize = 1 << 20;
            _socket.Blocking = false; // a full send buffer drops (counted in SendErrors) instead of blocking the sender
            Bind(bindAddress, minPort, maxPort);
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
    }

    /// <summary>The bound address and port.</summary>
    public IPEndPoint LocalEndPoint { get; }
    /// <summary>Address family of the socket.</summary>
    public AddressFamily AddressFamily => _socket.AddressFamily;
    /// <summary>Test hook: return true to drop a datagram (see <see cref="DatagramFilter"/>).</summary>
    public DatagramFilter? Filter { get; set; }
    /// <summary>Datagrams sent.</summary>
    public long DatagramsSent => Interlocked.Read(ref _sent);
    /// <summary>Datagrams received (before the filter).</summary>
    public long DatagramsReceived => Interlocked.Read(ref _received);
    /// <summary>Send calls that failed (socket error, or the send buffer was full: UDP drop, never a wait).</summary>
    public long SendErrors => Interlocked.Read(ref _sendErrors);
    /// <summary>Datagrams dropped by <see cref="Filter"/>.</summary>
    public long FilteredDatagrams => Interlocked.Read(ref _filtered);

    /// <summary>Sends one datagram; never throws (errors are counted).</summary>
    public bool SendTo(ReadOnlySpan<byte> datagram, SocketAddress destination)
    {
        if (_disposed) return false;
        var filter = Filter;
        if (filter is not null && filter(datagram, true))
        {
            Interlocked.Increment(ref _filtered);
            return false;
        }
        try
        {
            _socket.SendTo(datagram, SocketFlags.None, destination);
            Interlocked.Increment(ref _sent);
            return true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            Interlocked.Increment(ref _sendErrors);
            return false;
        }
    }

    /// <summary>
    /// Waits up to <paramref name="timeoutMicroseconds"/> for a datagram and receives it into <paramref name="buffer"/>.
    /// Returns the length, 0 when nothing arrived (or it was filtered), -1 when the socket is closed.
    /// </summary>
    public int Receive(Span<byte> buffer, SocketAddress source, int timeoutMicroseconds)
    {
        if (_disposed) return -1;
        try
        {
            if (_socket.Available == 0 && !_socket.Poll(timeoutMicroseconds, SelectMode.SelectRead)) return 0;
            int n = _socket.ReceiveFrom(buffer, SocketFlags.None, source);
            Interlocked.Increment(ref _received);
            var filter = Filter;
            if (filter is not null && filter(buffer.Slice(0, n), false))
            {
                Interlocked.Increment(ref _filtered);
                return 0;
            }
            return n;
        }
        catch (ObjectDisposedException)
        {
            return -1;
        }
        catch (SocketException)
        {
            return _disposed ? -1 : 0; // e.g. ICMP-induced errors or truncated datagrams: skip
        }
    }

    /// <summary>Closes the socket.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _socket.Dispose();
    }

    private void Bind(IPAddress address, int minPort, int maxPort)
    {
        if (minPort == 0 && maxPort == 0)
        {
            _socket.Bind(new IPEndPoint(address, 0));
            return;
        }
        int lo = Math.Max(1, minPort), hi = maxPort == 0 ? 65535 : maxPort;
        int span = hi - lo + 1;
        int start = Random.Shared.Next(span);
        SocketException? last = null;
        for (int i = 0; i < span; i++)
        {
            try
            {
                _socket.Bind(new IPEndPoint(address, lo + (start + i) % span));
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                last = e;
            }
        }
        throw last ?? new SocketException((int)SocketError.AddressAlreadyInUse);
    }
}
