using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.WebRtc.Tests.Media;

/// <summary>Random corruption of valid VP8 payloads, descriptors and frames never throws out of the parsers,
/// the assembler or the decoder (decoder failures are counted).</summary>
public class MediaMutationTests
{
    private static byte[] Mutate(byte[] src, Random rnd)
    {
        var b = (byte[])src.Clone();
        switch (rnd.Next(5))
        {
            case 0: // flip bits
                for (int k = 0, n = rnd.Next(1, 8); k < n && b.Length > 0; k++) b[rnd.Next(b.Length)] ^= (byte)(1 << rnd.Next(8));
                break;
            case 1: // truncate
                Array.Resize(ref b, rnd.Next(0, b.Length + 1));
                break;
            case 2: // random bytes at the front (descriptor / frame header)
                for (int k = 0; k < Math.Min(b.Length, 12); k++) if (rnd.Next(2) == 0) b[k] = (byte)rnd.Next(256);
                break;
            case 3: // overwrite a run
                if (b.Length > 0) { int s = rnd.Next(b.Length); rnd.NextBytes(b.AsSpan(s, Math.Min(b.Length - s, rnd.Next(1, 64)))); }
                break;
            default: // extend with garbage
                int old = b.Length;
                Array.Resize(ref b, old + rnd.Next(1, 100));
                rnd.NextBytes(b.AsSpan(old));
                break;
        }
        return b;
    }

    private static List<(byte[] Data, bool Key)> RealFrames(int count)
    {
        using var enc = new Vp8Encoder(new Vp8EncoderSettings { DropFrameThreshold = 0 });
        return MediaTestUtil.EncodeSequence(enc, 320, 240, count, forceKey: i => i % 10 == 0).Select(f => f!.Value).ToList();
    }

    [Fact]
    public void Depacketizer_CorruptPayloads_NeverThrow()
    {
        var rnd = new Random(1234);
        var p = new Vp8Packetizer(1100);
        var frames = RealFrames(5);
        var payloads = new List<byte[]>();
        var buf = new byte[1100];
        foreach (var (data, _) in frames)
        {
            var c = p.Packetize(data);
            while (c.TryWriteNext(buf, out int n, out _)) payloads.Add(buf.AsSpan(0, n).ToArray());
        }
        int ok = 0;
        for (int i = 0; i < 5000; i++)
        {
            var m = Mutate(payloads[rnd.Next(payloads.Count)], rnd);
            if (Vp8Depacketizer.TryParse(m, out var d))
            {
                ok++;
                Assert.InRange(d.PayloadOffset, 1, m.Length - 1);
            }
            Vp8Depacketizer.IsKeyFrame(m);
            Vp8Depacketizer.TryGetKeyFrameSize(m, out _, out _);
            _ = Vp8FrameHeader.TryParse(m, out _);
        }
        Assert.InRange(ok, 1, 4999);
    }

    [Fact]
    public void Assembler_CorruptAndReorderedPackets_NeverThrow_StaysBounded()
    {
        var rnd = new Random(99);
        var (packets, _) = FrameAssemblerTests.Stream(300, i => i % 30 == 0, firstSeq: 60000);
        int emitted = 0;
        var opts = new FrameAssemblerOptions { PacketCapacity = 256, MaxFrames = 16, MaxBytes = 256 * 1024 };
        using var asm = new FrameAssembler((in AssembledFrame f) => emitted++, opts);
        long now = 0;
        for (int i = 0; i < 6000; i++)
        {
            var p = packets[(i + rnd.Next(-20, 20) + packets.Count) % packets.Count];
            var payload = rnd.Next(3) == 0 ? Mutate(p.Payload, rnd) : p.Payload;
            ushort seq = rnd.Next(10) == 0 ? (ushort)rnd.Next(65536) : p.Seq;
            uint ts = rnd.Next(10) == 0 ? (uint)rnd.Next() : p.Ts;
            bool marker = rnd.Next(10) == 0 ? !p.Marker : p.Marker;
            asm.Insert(seq, ts, marker, payload, now += rnd.Next(0, 30));
            if (rnd.Next(50) == 0) asm.DeclareLost((ushort)rnd.Next(65536));
            if (rnd.Next(50) == 0) asm.Poll(now);
            Assert.InRange(asm.HeldFrames, 0, 16);
            Assert.InRange(asm.HeldPackets, 0, 256);
            Assert.InRange(asm.HeldBytes, 0, 256 * 1024);
        }
        Assert.True(emitted > 0);
        Assert.True(asm.MalformedPackets > 0);

        // After all that, a clean stream starting with a keyframe still comes through (after the wait timeout at worst).
        int before = emitted;
        var (clean, _) = FrameAssemblerTests.Stream(5, i => i == 1000, startFrame: 1000, firstSeq: (ushort)(asm.PacketsReceived + 5000));
        foreach (var p in clean) asm.Insert(p.Seq, p.Ts, p.Marker, p.Payload, now += 1000);
        Assert.Equal(before + 5, emitted);
    }

    [Fact]
    public void Decoder_CorruptFrames_NeverThrow_ErrorsCounted()
    {
        var rnd = new Random(7);
        var frames = RealFrames(30);
        using var dec = new Vp8Decoder(maxWidth: 1920, maxHeight: 1080);
        int okCount = 0;
        for (int i = 0; i < 3000; i++)
        {
            var (data, _) = frames[i % frames.Count];
            var input = rnd.Next(4) == 0 ? data : Mutate(data, rnd);
            var status = dec.Decode(input, out var frame);
            if (status == Vp8DecodeStatus.Ok)
            {
                okCount++;
                Assert.NotNull(frame);
                Assert.InRange(frame!.Width, 1, 1920);
                frame.Dispose();
            }
            else Assert.Null(frame);
        }
        Assert.True(dec.DecodeErrors > 0);
        Assert.True(okCount > 0);
        // Still healthy: a clean keyframe decodes.
        Assert.Equal(Vp8DecodeStatus.Ok, dec.Decode(frames[0].Data, out var clean));
        Assert.Equal(320, clean!.Width);
        clean.Dispose();
    }
}
