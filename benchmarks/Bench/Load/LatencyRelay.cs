using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using WebRtcBridge.Bench.Common;

namespace WebRtcBridge.Bench.Load;

/// <summary>
/// A UDP relay between the load client and a server that timestamps what crosses it, to measure the latency the
/// server adds: from the last packet of an input frame (RTP marker bit) to the first packet of the output frame made
/// from it. RTP headers are not encrypted by SRTP (RFC 3711 §3.1), so the relay reads sequence, timestamp and marker
/// without keys. Output frames are matched to inputs by RTP timestamp: a server keeps the input's timestamp plus a
/// constant offset (ours: zero; aiortc: its random origin), found as the most common difference.
/// Everything is bounded: at most <see cref="MaxFrames"/> frames are recorded per direction.
/// </summary>
public sealed class LatencyRelay : IDisposable
{
    public const int MaxFrames = 20_000;
    private readonly Socket _front;   // faces the client (its address goes into the answer)
    private readonly Socket _back;    // faces the server
    private readonly IPEndPoint _server;
    private readonly Dictionary<uint, long> _inputLastPacket = new();
    private readonly Dictionary<uint, long> _outputFirstPacket = new();
    private readonly object _gate = new();
    private readonly Thread _upstream, _downstream;
    private volatile EndPoint? _client;
    private volatile bool _stop;

    public LatencyRelay(IPAddress bindAddress, IPEndPoint server)
    {
        _server = server;
        _front = Bind(bindAddress);
        _back = Bind(bindAddress);
        _upstream = new Thread(() => Pump(upstream: true)) { IsBackground = true, Name = "relay up" };
        _downstream = new Thread(() => Pump(upstream: false)) { IsBackground = true, Name = "relay down" };
        _upstream.Start();
        _downstream.Start();
    }

    public IPEndPoint FrontEndPoint => (IPEndPoint)_front.LocalEndPoint!;

    private static Socket Bind(IPAddress address)
    {
        var s = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 1 << 20 };
        s.Bind(new IPEndPoint(address, 0));
        s.ReceiveTimeout = 200;
        return s;
    }

    /// <summary>The answer with its first UDP host candidate pointed at the relay and every other candidate removed.</summary>
    public static (string Sdp, IPEndPoint Server) RewriteAnswer(string sdp, Func<IPEndPoint, IPEndPoint> relayFor)
    {
        var output = new StringBuilder();
        IPEndPoint? server = null;
        foreach (var line in sdp.Split("\r\n"))
        {
            if (line.StartsWith("a=candidate:", StringComparison.Ordinal))
            {
                // a=candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> ...
                var f = line.Split(' ');
                if (server is not null || f.Length < 8 || !f[2].Equals("udp", StringComparison.OrdinalIgnoreCase) || f[1] != "1"
                    || !IPAddress.TryParse(f[4], out var ip) || ip.AddressFamily != AddressFamily.InterNetwork) continue;
                server = new IPEndPoint(ip, int.Parse(f[5]));
                var relay = relayFor(server);
                f[4] = relay.Address.ToString();
                f[5] = relay.Port.ToString();
                output.Append(string.Join(' ', f)).Append("\r\n");
                continue;
            }
            if (line.Length > 0) output.Append(line).Append("\r\n");
        }
        return (output.ToString(), server ?? throw new InvalidOperationException("the answer has no IPv4 UDP candidate"));
    }

    // One direction. Upstream (client → server) remembers the client and stamps the last packet of each input frame
    // (marker bit); downstream (server → client) stamps the first packet of each output frame.
    private void Pump(bool upstream)
    {
        var (receiveOn, sendOn, stamps) = upstream ? (_front, _back, _inputLastPacket) : (_back, _front, _outputFirstPacket);
        var buffer = new byte[2048];
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        while (!_stop)
        {
            int n;
            try { n = receiveOn.ReceiveFrom(buffer, ref from); }
            catch (SocketException) { continue; }
            catch (ObjectDisposedException) { return; }
            long now = Stopwatch.GetTimestamp();
            if (upstream) _client = from;
            if (IsRtp(buffer, n, out uint ts, out bool marker) && (marker || !upstream)) Record(stamps, ts, now);
            var destination = upstream ? _server : _client;
            if (destination is null) continue;
            try { sendOn.SendTo(buffer.AsSpan(0, n), SocketFlags.None, destination); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
        }
    }

    private void Record(Dictionary<uint, long> frames, uint ts, long now)
    {
        lock (_gate)
        {
            if (frames.Count < MaxFrames) frames.TryAdd(ts, now);
        }
    }

    // RFC 7983 §7: first byte 128..191 is RTP or RTCP; RFC 5761 §4: RTCP packet types 192..223 in the second byte.
    private static bool IsRtp(byte[] b, int n, out uint timestamp, out bool marker)
    {
        timestamp = 0;
        marker = false;
        if (n < 12 || b[0] < 128 || b[0] > 191 || b[1] is >= 192 and <= 223) return false;
        marker = (b[1] & 0x80) != 0;
        timestamp = BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(4));
        return true;
    }

    /// <summary>Per output frame: milliseconds from its input's last packet to its own first packet.</summary>
    public (Samples Latency, uint Offset, int Unmatched) Latencies()
    {
        KeyValuePair<uint, long>[] inputs, outputs;
        lock (_gate)
        {
            inputs = _inputLastPacket.OrderBy(p => p.Value).ToArray();
            outputs = _outputFirstPacket.ToArray();
        }
        // The offset: most common (output ts - input ts) over inputs that arrived within 1 s before the output.
        var votes = new Dictionary<uint, int>();
        long window = Stopwatch.Frequency;
        foreach (var o in outputs)
            foreach (var i in inputs)
                if (i.Value <= o.Value && o.Value - i.Value < window)
                    votes[o.Key - i.Key] = votes.GetValueOrDefault(o.Key - i.Key) + 1;
        uint offset = votes.Count == 0 ? 0 : votes.MaxBy(v => v.Value).Key;
        var byTs = inputs.ToDictionary(p => p.Key, p => p.Value);
        var samples = new Samples(outputs.Length);
        int unmatched = 0;
        foreach (var o in outputs)
        {
            if (byTs.TryGetValue(o.Key - offset, out long inAt) && inAt <= o.Value)
                samples.Add((o.Value - inAt) * 1000.0 / Stopwatch.Frequency);
            else unmatched++;
        }
        return (samples, offset, unmatched);
    }

    public void Dispose()
    {
        _stop = true;
        _upstream.Join();
        _downstream.Join();
        _front.Dispose();
        _back.Dispose();
    }
}
