using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.WebRtc.Tests.PeerConnection;

/// <summary>Two PeerConnections (server and client role) exchanging VP8 both ways over real 127.0.0.1 UDP.</summary>
[Collection(PeerConnectionCollection.Name)]
public class PeerConnectionLoopbackTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Frames = 300;

    [Fact(Timeout = 120_000)]
    public async Task Loopback_300FramesEachWay_At640x480_AreDecoded()
    {
        await using var pair = new PeerPair();
        var toServer = new FrameCounter(pair.Server);
        var toClient = new FrameCounter(pair.Client);
        await pair.ConnectAsync();

        await Task.WhenAll(
            Task.Run(() => PeerPair.SendFramesAsync(pair.Client, Frames, 640, 480)),
            Task.Run(() => PeerPair.SendFramesAsync(pair.Server, Frames, 640, 480)));
        // The last frames may still be in flight: wait (bounded) until each side has decoded at least 95 %.
        await Task.WhenAll(toServer.WaitForAsync(285), toClient.WaitForAsync(285)).WaitAsync(TimeSpan.FromSeconds(30));
        // An SR from each side and the RR answering it give the RTT (RFC 3550 §6.4.1); reports go out about every second.
        await WaitUntilAsync(() => pair.Server.GetStats().RoundTripTime is not null && pair.Client.GetStats().RoundTripTime is not null, TimeSpan.FromSeconds(15));

        foreach (var (pc, counter) in new[] { (pair.Server, toServer), (pair.Client, toClient) })
        {
            var s = pc.GetStats();
            output.WriteLine($"decoded {counter.Decoded}, max gap {counter.MaxGapMs} ms at ts {counter.MaxGapRtpTimestamp}: {s}");
            Assert.Equal(PeerConnectionState.Connected, s.State);
            Assert.InRange(counter.Decoded, 285, Frames);
            Assert.InRange(s.FramesDecoded, 285, Frames);
            Assert.True(s.FramesReceived >= s.FramesDecoded);
            Assert.True(s.KeyFramesDecoded >= 1);
            Assert.InRange(s.TotalDecodeTime, 0.001, 60); // webrtc-stats totalDecodeTime, seconds
            Assert.InRange(s.TotalEncodeTime, 0.001, 60);
            Assert.InRange(s.FramesEncoded, 285, Frames);
            Assert.Equal(s.FramesEncoded, s.FramesSent);
            Assert.True(s.KeyFramesEncoded >= 1);
            Assert.True(s.BytesSent > 100_000, $"bytesSent {s.BytesSent}");
            Assert.True(s.BytesReceived > 100_000, $"bytesReceived {s.BytesReceived}");
            Assert.True(s.PacketsSent >= Frames);
            Assert.True(s.PacketsReceived >= 285);
            Assert.NotNull(s.RoundTripTime);
            Assert.NotNull(s.AvailableOutgoingBitrate); // the peer's REMB arrived
            Assert.InRange(s.AvailableOutgoingBitrate!.Value, 100_000, 2_500_000);
            Assert.InRange(s.RoundTripTime!.Value, 0, 1.0);
            Assert.Equal(0, s.SrtpAuthFailures);
            Assert.Equal(0, s.MalformedPackets);
            Assert.InRange(s.Jitter, 0, 1.0);
            Assert.Equal(640, counter.LastWidth);
            Assert.Equal(480, counter.LastHeight);
        }
        // Receive timestamps and RTP timestamps are carried on the decoded frames.
        Assert.True(toServer.LastRtpTimestamp > 1000);
        Assert.True(toServer.LastTimestamp > 0);
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met within " + timeout);
            await Task.Delay(50);
        }
    }
}

/// <summary>Counts decoded frames of a PeerConnection (disposing them, as the handler owns them) and the longest gap.</summary>
internal sealed class FrameCounter
{
    private readonly object _gate = new();
    private readonly List<(int Target, TaskCompletionSource Tcs)> _waiters = new();
    private long _lastArrivalMs = -1;

    public FrameCounter(WebRtcBridge.WebRtc.PeerConnection pc)
    {
        pc.FrameReceived += OnFrame;
        pc.EncodedFrameReceived += _ => Interlocked.Increment(ref _encoded);
    }

    private long _encoded;
    public long Encoded => Interlocked.Read(ref _encoded);
    public int Decoded { get; private set; }
    public int LastWidth { get; private set; }
    public int LastHeight { get; private set; }
    public uint LastRtpTimestamp { get; private set; }
    public long LastTimestamp { get; private set; }
    /// <summary>Longest time between consecutive decoded frames (ms), after the first.</summary>
    public long MaxGapMs { get; private set; }
    /// <summary>RTP timestamp of the frame that ended the longest gap.</summary>
    public uint MaxGapRtpTimestamp { get; private set; }

    private void OnFrame(VideoFrame frame)
    {
        lock (_gate)
        {
            Decoded++;
            LastWidth = frame.Width;
            LastHeight = frame.Height;
            LastRtpTimestamp = frame.RtpTimestamp;
            LastTimestamp = frame.Timestamp;
            if (_lastArrivalMs >= 0 && frame.Timestamp - _lastArrivalMs > MaxGapMs)
            {
                MaxGapMs = frame.Timestamp - _lastArrivalMs;
                MaxGapRtpTimestamp = frame.RtpTimestamp;
            }
            _lastArrivalMs = frame.Timestamp;
            foreach (var w in _waiters) if (Decoded >= w.Target) w.Tcs.TrySetResult();
        }
        frame.Dispose();
    }

    public Task WaitForAsync(int count)
    {
        lock (_gate)
        {
            var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (Decoded >= count) tcs.TrySetResult();
            else _waiters.Add((count, tcs));
            return tcs.Task;
        }
    }
}
