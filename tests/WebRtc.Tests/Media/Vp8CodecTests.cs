using System.Buffers;
using System.Runtime.InteropServices;
using WebRtcBridge.WebRtc.Media;
using WebRtcBridge.WebRtc.Native;

namespace WebRtcBridge.WebRtc.Tests.Media;

public class Vp8CodecTests
{
    [Fact]
    public unsafe void StructLayouts_MatchVerifiedC()
    {
        Assert.Equal(504, sizeof(VpxEncCfg));
        Assert.Equal(136, sizeof(VpxImage));
        Assert.Equal(136, sizeof(VpxCxPkt));
        Assert.Equal(12, sizeof(VpxDecCfg));
        Assert.Equal(112, (int)Marshal.OffsetOf<VpxEncCfg>(nameof(VpxEncCfg.rc_target_bitrate)));
        Assert.Equal(168, (int)Marshal.OffsetOf<VpxEncCfg>(nameof(VpxEncCfg.kf_max_dist)));
        Assert.Equal(80, (int)Marshal.OffsetOf<VpxImage>(nameof(VpxImage.strideY)));
        Assert.Equal(0x010C00, LibVpx.vpx_codec_version() & 0xFFFF00);
    }

    [Fact]
    public unsafe void ConfigDefault_FillsTheFieldsAtTheVerifiedOffsets()
    {
        VpxEncCfg cfg;
        Assert.Equal(0, LibVpx.vpx_codec_enc_config_default(LibVpx.vpx_codec_vp8_cx(), &cfg, 0));
        // VP8 defaults in 1.12: timebase 1/30, target 256, minq 4, maxq 63, buf 6000/4000/5000, kf_max_dist 128.
        Assert.Equal(1, cfg.g_timebase.Num);
        Assert.Equal(30, cfg.g_timebase.Den);
        Assert.Equal(256u, cfg.rc_target_bitrate);
        Assert.Equal(4u, cfg.rc_min_quantizer);
        Assert.Equal(63u, cfg.rc_max_quantizer);
        Assert.Equal(6000u, cfg.rc_buf_sz);
        Assert.Equal(4000u, cfg.rc_buf_initial_sz);
        Assert.Equal(5000u, cfg.rc_buf_optimal_sz);
        Assert.Equal(128u, cfg.kf_max_dist);
    }

    [Fact]
    public void Encode30_DecodeAll_PsnrAndDimensions()
    {
        using var enc = new Vp8Encoder(new Vp8EncoderSettings { TargetBitrateKbps = 1500 });
        using var dec = new Vp8Decoder(new VideoFramePool());
        var writer = new ArrayBufferWriter<byte>();
        double minPsnr = double.MaxValue;
        int decoded = 0;
        for (int i = 0; i < 30; i++)
        {
            using var src = MediaTestUtil.Pattern(640, 480, i);
            writer.ResetWrittenCount();
            var r = enc.Encode(src, false, writer);
            if (i == 0) Assert.True(r.IsKeyFrame, "first frame must be a keyframe");
            if (!r.Encoded) continue;
            Assert.Equal(r.Length, writer.WrittenCount);
            Assert.Equal(Vp8DecodeStatus.Ok, dec.Decode(writer.WrittenSpan, out var outFrame));
            using (outFrame)
            {
                Assert.Equal(640, outFrame!.Width);
                Assert.Equal(480, outFrame.Height);
                Assert.Equal(r.IsKeyFrame, outFrame.IsKeyFrame);
                minPsnr = Math.Min(minPsnr, MediaTestUtil.Psnr(src.Y, outFrame.Y));
            }
            decoded++;
        }
        Assert.True(decoded >= 25, $"only {decoded} frames encoded");
        Assert.True(minPsnr > 28, $"min Y PSNR {minPsnr:F1} dB");
        Assert.Equal(decoded, enc.FramesEncoded);
        Assert.Equal(30, enc.FramesEncoded + enc.FramesDropped);
        Assert.Equal(1, enc.KeyFramesEncoded);
        Assert.Equal(0, dec.DecodeErrors);
        Assert.Equal(640, dec.Width);
    }

    [Fact]
    public void RequestKeyFrame_MakesNextFrameKey_AndForceFlagToo()
    {
        using var enc = new Vp8Encoder(new Vp8EncoderSettings { DropFrameThreshold = 0 });
        var frames = MediaTestUtil.EncodeSequence(enc, 320, 240, 12,
            forceKey: i => i == 9,
            before: i => { if (i == 5) enc.RequestKeyFrame(); });
        Assert.All(frames, f => Assert.NotNull(f));
        for (int i = 0; i < frames.Count; i++)
            Assert.Equal(i is 0 or 5 or 9, frames[i]!.Value.Key);
        Assert.Equal(3, enc.KeyFramesEncoded);
    }

    [Fact]
    public void SetBitrate_AtRuntime_ChangesSizeTrend_AndStillDecodes()
    {
        using var enc = new Vp8Encoder(new Vp8EncoderSettings { TargetBitrateKbps = 2000, DropFrameThreshold = 0 });
        using var dec = new Vp8Decoder();
        var frames = MediaTestUtil.EncodeSequence(enc, 640, 480, 80, before: i => { if (i == 40) enc.SetBitrate(150); });
        Assert.Equal(150, enc.BitrateKbps);
        long high = 0, low = 0;
        for (int i = 0; i < frames.Count; i++)
        {
            var f = frames[i]!.Value;
            if (i is >= 20 and < 40) high += f.Data.Length;
            if (i >= 60) low += f.Data.Length;
            Assert.Equal(Vp8DecodeStatus.Ok, dec.Decode(f.Data, out var d));
            d!.Dispose();
        }
        Assert.True(low < high / 2, $"after SetBitrate(150) frames should shrink: {high} -> {low}");
    }

    [Fact]
    public void ResolutionChange_ReinitialisesEncoder_DecoderFollows()
    {
        using var enc = new Vp8Encoder();
        using var dec = new Vp8Decoder();
        var w = new ArrayBufferWriter<byte>();
        foreach (var (fw, fh) in new[] { (320, 240), (320, 240), (641, 361), (641, 361) })
        {
            using var f = MediaTestUtil.Pattern(fw, fh, 1);
            w.ResetWrittenCount();
            var r = enc.Encode(f, false, w);
            Assert.True(r.Encoded);
            Assert.Equal(Vp8DecodeStatus.Ok, dec.Decode(w.WrittenSpan, out var d));
            using (d)
            {
                Assert.Equal(fw, d!.Width);
                Assert.Equal(fh, d.Height);
            }
        }
        Assert.Equal(1, enc.Reinitializations);
        Assert.Equal(2, enc.KeyFramesEncoded);
        Assert.Equal(1, dec.ResolutionChanges);
    }

    [Fact]
    public void Decoder_RejectsGarbageAndHugeKeyFrames_Counted()
    {
        using var dec = new Vp8Decoder(maxWidth: 1920, maxHeight: 1080);
        Assert.Equal(Vp8DecodeStatus.InvalidInput, dec.Decode(ReadOnlySpan<byte>.Empty, out var f));
        Assert.Null(f);
        // Keyframe tag + start code announcing 16000x16000.
        byte[] huge = [0x50, 0x42, 0x00, 0x9D, 0x01, 0x2A, 0x80, 0x3E, 0x80, 0x3E, 0, 0, 0, 0];
        Assert.Equal(Vp8DecodeStatus.InvalidInput, dec.Decode(huge, out f));
        // Delta frame before any keyframe / random bytes.
        byte[] junk = [0x31, 0x22, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9];
        Assert.NotEqual(Vp8DecodeStatus.Ok, dec.Decode(junk, out f));
        Assert.Null(f);
        Assert.Equal(3, dec.DecodeErrors);
    }

    [Fact]
    public void OddSize_EncodesAndDecodes()
    {
        using var enc = new Vp8Encoder();
        using var dec = new Vp8Decoder();
        var frames = MediaTestUtil.EncodeSequence(enc, 175, 99, 3);
        Assert.True(frames[0]!.Value.Key);
        Assert.Equal(Vp8DecodeStatus.Ok, dec.Decode(frames[0]!.Value.Data, out var d));
        using (d)
        {
            Assert.Equal(175, d!.Width);
            Assert.Equal(99, d.Height);
            using var src = MediaTestUtil.Pattern(175, 99, 0);
            Assert.True(MediaTestUtil.Psnr(src.U, d.U) > 25);
        }
    }
}
