using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.WebRtc.Tests.Media;

/// <summary>Encoder -> packetizer -> (reorder, loss, retransmit) -> assembler -> decoder.</summary>
public class Vp8PipelineTests
{
    [Fact]
    public void ReorderedStreamWithRetransmissions_DecodesEveryFrame()
    {
        using var enc = new Vp8Encoder(new Vp8EncoderSettings { TargetBitrateKbps = 1200, DropFrameThreshold = 0 });
        var encoded = MediaTestUtil.EncodeSequence(enc, 320, 240, 40);
        var packetizer = new Vp8Packetizer(300);
        var packets = new List<FrameAssemblerTests.Pkt>();
        var buf = new byte[300];
        ushort seq = 65000;
        for (int i = 0; i < encoded.Count; i++)
        {
            var c = packetizer.Packetize(encoded[i]!.Value.Data);
            while (c.TryWriteNext(buf, out int n, out bool last))
                packets.Add(new(seq++, (uint)(i * 3000), last, buf.AsSpan(0, n).ToArray(), i));
        }

        // Swap neighbours now and then, and "lose" every 17th packet, re-sending it 5 packets later.
        var rnd = new Random(5);
        var wire = new List<FrameAssemblerTests.Pkt>();
        var pending = new List<(int Due, FrameAssemblerTests.Pkt P)>();
        for (int i = 0; i < packets.Count; i++)
        {
            if (i % 17 == 3) pending.Add((i + 5, packets[i]));
            else wire.Add(packets[i]);
            foreach (var due in pending.Where(d => d.Due == i).ToList()) { wire.Add(due.P); pending.Remove(due); }
        }
        wire.AddRange(pending.Select(p => p.P));
        for (int i = 1; i < wire.Count; i++)
            if (rnd.Next(4) == 0) (wire[i - 1], wire[i]) = (wire[i], wire[i - 1]);

        using var dec = new Vp8Decoder();
        var decodedTs = new List<uint>();
        using var asm = new FrameAssembler((in AssembledFrame f) =>
        {
            Assert.Equal(Vp8DecodeStatus.Ok, dec.Decode(f.Data, out var frame));
            frame!.Dispose();
            decodedTs.Add(f.RtpTimestamp);
        });
        foreach (var p in wire) asm.Insert(p.Seq, p.Ts, p.Marker, p.Payload, 0);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => (uint)(i * 3000)).ToList(), decodedTs);
        Assert.False(asm.NeedKeyFrame);
        Assert.Equal(0, dec.DecodeErrors);
    }
}
