using System.Buffers;
using WebRtcBridge.WebRtc.Media;
using WebRtcBridge.WebRtc.Native;

namespace WebRtcBridge.WebRtc.Tests.Media;

/// <summary>Native contexts are released: 300 encoder/decoder pairs, live-handle counter back to zero, RSS bounded.</summary>
[Collection(nameof(CodecLeakTests))] // other tests create handles; keep this one from running alongside them
[CollectionDefinition(nameof(CodecLeakTests), DisableParallelization = true)]
public class CodecLeakTests
{
    private static long VmRssKb()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim());
        return 0;
    }

    private static void Cycle(int n)
    {
        var writer = new ArrayBufferWriter<byte>();
        using var frame = MediaTestUtil.Pattern(320, 240, 0);
        for (int i = 0; i < n; i++)
        {
            using var enc = new Vp8Encoder();
            using var dec = new Vp8Decoder();
            writer.ResetWrittenCount();
            enc.Encode(frame, false, writer);
            Assert.Equal(Vp8DecodeStatus.Ok, dec.Decode(writer.WrittenSpan, out var d));
            d!.Dispose();
        }
    }

    [Fact]
    public void CreateDispose300Pairs_HandlesReleased_RssBounded()
    {
        long baseline = LibVpxCodecHandle.LiveCount;
        Cycle(30); // warm-up: JIT, pools, allocator arenas
        GC.Collect();
        long rssBefore = VmRssKb();
        Cycle(300);
        Assert.Equal(baseline, LibVpxCodecHandle.LiveCount);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long growthKb = VmRssKb() - rssBefore;
        // One 320x240 encoder+decoder pair holds a few MB natively; 300 leaked pairs would be > 500 MB.
        Assert.True(growthKb < 100 * 1024, $"VmRSS grew by {growthKb} kB over 300 pairs");
    }

    [Fact]
    public void UndisposedHandle_IsReleasedByFinalizer()
    {
        long baseline = LibVpxCodecHandle.LiveCount;
        static void Leak() { _ = new Vp8Decoder(); }
        Leak();
        for (int i = 0; i < 10 && LibVpxCodecHandle.LiveCount != baseline; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.Equal(baseline, LibVpxCodecHandle.LiveCount);
    }
}
