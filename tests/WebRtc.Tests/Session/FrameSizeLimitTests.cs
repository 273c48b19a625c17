using System.Buffers;
using WebRtcBridge.WebRtc.Media;
using WebRtcBridge.WebRtc.Rtp;
using Xunit.Abstractions;

namespace WebRtcBridge.WebRtc.Tests.Session;

/// <summary>
/// Oversized or flapping video from the peer: keyframes over the maximum (default 1920x1080) and size changes beyond
/// the budget are dropped from the VP8 header before decoding, counted, and nothing is decoded for them.
/// </summary>
public class FrameSizeLimitTests(ITestOutputHelper output)
{
    private ushort _seq = 1000;
    private uint _ts = 90_000;

    private static byte[] EncodeKeyFrame(int width, int height)
    {
        using var encoder = new Vp8Encoder(new Vp8EncoderSettings { TargetBitrateKbps = 300, CpuUsed = 16 });
        using var frame = VideoFrame.Create(width, height);
        TestPattern.Render(frame, 1);
        frame.RtpTimestamp = 3000;
        var writer = new ArrayBufferWriter<byte>();
        var result = encoder.Encode(frame, forceKeyFrame: true, writer);
        Assert.True(result.Encoded && result.IsKeyFrame);
        return writer.WrittenSpan.ToArray();
    }

    // Packetizes one VP8 frame as the peer (RFC 7741) and delivers it through SRTP into the session.
    private void Deliver(MediaSessionHarness h, byte[] vp8, long nowMs)
    {
        var packetizer = new Vp8Packetizer(1100, 7);
        var payloads = packetizer.Packetize(vp8);
        var payload = new byte[1500];
        var packet = new byte[1500];
        _ts += 3000;
        while (payloads.TryWriteNext(payload, out int written, out bool last))
        {
            var w = new RtpPacketWriter(packet, 96, _seq++, _ts, MediaSessionHarness.PeerSsrc, last);
            w.WritePayload(payload.AsSpan(0, written));
            h.DeliverRtp(packet[..w.Complete()], nowMs);
        }
    }

    private static (MediaSessionHarness Harness, List<(int W, int H)> Decoded) Session(PeerConnectionOptions? options = null)
    {
        var h = new MediaSessionHarness(options);
        var decoded = new List<(int, int)>();
        h.Session.FrameReceived = f => { decoded.Add((f.Width, f.Height)); f.Dispose(); };
        return (h, decoded);
    }

    [Fact]
    public void Keyframe4096x4096_DroppedBeforeDecoding_Counted()
    {
        var (h, decoded) = Session();
        using var _ = h;
        var huge = EncodeKeyFrame(4096, 4096);
        Assert.True(Vp8FrameHeader.TryParse(huge, out var header) && header.Width == 4096 && header.Height == 4096);
        Deliver(h, huge, Environment.TickCount64);

        var stats = h.Session.AddStats(new PeerConnectionStats());
        output.WriteLine($"{huge.Length} bytes: {stats}");
        Assert.Equal(1, stats.FramesReceived);       // assembled...
        Assert.Equal(0, stats.FramesDecoded);        // ...but never handed to libvpx
        Assert.Empty(decoded);
        Assert.Equal(1, stats.FramesDroppedTooLarge);
        Assert.True(stats.FramesDropped >= 1);
        Assert.Equal(0, stats.PliCount);             // answered with nothing: no keyframe request for another huge one

        Deliver(h, EncodeKeyFrame(640, 480), Environment.TickCount64); // a frame within the limit still decodes
        Assert.Equal([(640, 480)], decoded);
    }

    [Theory]
    [InlineData(1920, 1080, true)]
    [InlineData(1080, 1920, true)]  // portrait fits the same box
    [InlineData(1920, 1088, false)]
    [InlineData(2048, 1080, false)]
    public void Limit_AppliesInEitherOrientation(int width, int height, bool accepted)
    {
        var guard = new FrameSizeGuard(1920, 1080, 10);
        Span<byte> header = [0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A, (byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8)];
        Assert.Equal(accepted ? FrameSizeVerdict.Accept : FrameSizeVerdict.TooLarge, guard.Check(header, 0));
    }

    [Fact]
    public void ConfiguredMaximum_IsHonoured()
    {
        var (h, decoded) = Session(new PeerConnectionOptions { HostAddresses = [], MaxFrameWidth = 320, MaxFrameHeight = 240 });
        using var _ = h;
        Deliver(h, EncodeKeyFrame(640, 480), Environment.TickCount64);
        Deliver(h, EncodeKeyFrame(320, 240), Environment.TickCount64);
        Assert.Equal([(320, 240)], decoded);
        Assert.Equal(1, h.Session.AddStats(new PeerConnectionStats()).FramesDroppedTooLarge);
    }

    [Fact]
    public void FlappingSize_BeyondTheBudget_Dropped_UntilTheWindowPasses()
    {
        var (h, decoded) = Session(new PeerConnectionOptions { HostAddresses = [], MaxSizeChangesPerMinute = 3 });
        using var _ = h;
        var small = EncodeKeyFrame(320, 240);
        var large = EncodeKeyFrame(640, 480);
        long t0 = Environment.TickCount64;
        for (int i = 0; i < 8; i++) Deliver(h, i % 2 == 0 ? small : large, t0 + i * 100);

        var stats = h.Session.AddStats(new PeerConnectionStats());
        output.WriteLine($"decoded {string.Join(' ', decoded)}; {stats}");
        // The first size, 3 changes, then only the current size (640x480) passes; each 320x240 keyframe is dropped.
        Assert.Equal([(320, 240), (640, 480), (320, 240), (640, 480), (640, 480), (640, 480)], decoded);
        Assert.Equal(2, stats.FramesDroppedSizeChanges);

        Deliver(h, small, t0 + 1_000);
        Assert.Equal(3, h.Session.AddStats(new PeerConnectionStats()).FramesDroppedSizeChanges);
        Deliver(h, small, t0 + 60_200);              // a minute after the first change: budget again
        Assert.Equal((320, 240), decoded[^1]);
    }
}
