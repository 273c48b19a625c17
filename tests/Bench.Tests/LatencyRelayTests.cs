using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using WebRtcBridge.Bench.Load;

namespace WebRtcBridge.Bench.Tests;

/// <summary>The benchmark's latency relay: it must forward everything and match outputs to inputs by RTP timestamp.</summary>
public sealed class LatencyRelayTests
{
    private const string Answer =
        "v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\n" +
        "a=candidate:1 1 udp 2130706431 10.255.0.1 40000 typ host\r\n" +
        "a=candidate:2 1 udp 2130706175 192.0.2.7 40002 typ host\r\n" +
        "a=end-of-candidates\r\n";

    [Fact]
    public void The_answer_keeps_only_its_first_candidate_pointed_at_the_relay()
    {
        var relayEnd = new IPEndPoint(IPAddress.Parse("10.255.0.2"), 51000);
        var (sdp, server) = LatencyRelay.RewriteAnswer(Answer, _ => relayEnd);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.255.0.1"), 40000), server);
        Assert.Contains("a=candidate:1 1 udp 2130706431 10.255.0.2 51000 typ host\r\n", sdp);
        Assert.DoesNotContain("192.0.2.7", sdp);
        Assert.DoesNotContain("10.255.0.1", sdp);
        Assert.Contains("a=end-of-candidates\r\n", sdp);
    }

    [Fact]
    public void An_answer_without_a_usable_candidate_is_a_clear_error()
    {
        var e = Assert.Throws<InvalidOperationException>(() => LatencyRelay.RewriteAnswer("v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n", s => s));
        Assert.Contains("no IPv4 UDP candidate", e.Message);
    }

    [Fact]
    public async Task Outputs_are_matched_to_inputs_through_the_servers_timestamp_offset()
    {
        // A fake server echoes each input frame (2 packets, marker on the last) as a 3-packet output frame whose RTP
        // timestamp is the input's plus a constant, after holding it at least 15 ms. RTCP and STUN-like datagrams
        // pass through unrecorded.
        const uint offset = 0x9E3779B9;
        const int frames = 20;
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        client.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        client.ReceiveTimeout = 10_000;
        using var relay = new LatencyRelay(IPAddress.Loopback, (IPEndPoint)server.LocalEndPoint!);

        var serverTask = Task.Run(() =>
        {
            var buffer = new byte[1500];
            EndPoint from = new IPEndPoint(IPAddress.Any, 0);
            server.ReceiveTimeout = 10_000;
            int outputs = 0;
            while (outputs < frames)
            {
                int n = server.ReceiveFrom(buffer, ref from);
                if (n < 12 || buffer[0] < 128 || buffer[1] is >= 192 and <= 223) continue;
                if ((buffer[1] & 0x80) == 0) continue; // wait for the frame's last packet
                uint ts = BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(4));
                var hold = Stopwatch.StartNew();
                while (hold.ElapsedMilliseconds < 15) Thread.Yield();
                for (int p = 0; p < 3; p++) server.SendTo(Rtp(ts + offset, (ushort)(outputs * 3 + p), p == 2), from);
                server.SendTo(new byte[] { 0x80, 200, 0, 6, 0, 0, 0, 1 }, from); // an RTCP SR header: not a frame
                outputs++;
            }
        });

        var front = relay.FrontEndPoint;
        client.SendTo(new byte[20], front); // STUN-like (first byte 0): forwarded, not recorded
        var received = new byte[1500];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        int outputPackets = 0;
        for (int f = 0; f < frames; f++)
        {
            uint ts = (uint)(90000 + f * 3000);
            client.SendTo(Rtp(ts, (ushort)(f * 2), false), front);
            client.SendTo(Rtp(ts, (ushort)(f * 2 + 1), true), front);
            // Wait for this frame's output (3 RTP packets + 1 RTCP) before sending the next one.
            for (int got = 0; got < 4; got++)
            {
                client.ReceiveFrom(received, ref any);
                if (received[1] is < 192 or > 223) outputPackets++;
            }
        }
        await serverTask.WaitAsync(TimeSpan.FromSeconds(30));

        var (latency, foundOffset, unmatched) = relay.Latencies();
        Assert.Equal(frames * 3, outputPackets);
        Assert.Equal(offset, foundOffset);
        Assert.Equal(0, unmatched);
        Assert.Equal(frames, latency.Count);
        Assert.True(latency.Percentile(0) >= 14.5, $"min {latency.Percentile(0)} ms: the server held each frame 15 ms");
        Assert.True(latency.Max < 5000, $"max {latency.Max} ms");
    }

    private static byte[] Rtp(uint timestamp, ushort sequence, bool marker)
    {
        var p = new byte[40];
        p[0] = 0x80;
        p[1] = (byte)(96 | (marker ? 0x80 : 0));
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(2), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(4), timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(8), 0x1234);
        return p;
    }
}
