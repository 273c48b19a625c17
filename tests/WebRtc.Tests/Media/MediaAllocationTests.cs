using System.Buffers;
using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.WebRtc.Tests.Media;

/// <summary>The per-frame path (encode, packetize, assemble, decode) does not allocate after warm-up.</summary>
public class MediaAllocationTests
{
    [Fact]
    public void SteadyState_EncodePacketizeAssembleDecode_AllocatesNothingPerFrame()
    {
        var pool = new VideoFramePool(4);
        using var enc = new Vp8Encoder(new Vp8EncoderSettings { DropFrameThreshold = 0 });
        using var dec = new Vp8Decoder(pool);
        var packetizer = new Vp8Packetizer(1100);
        var writer = new ArrayBufferWriter<byte>(512 * 1024);
        var packet = new byte[1100];
        int decoded = 0;
        using var asm = new FrameAssembler((in AssembledFrame f) =>
        {
            if (dec.Decode(f.Data, out var frame) == Vp8DecodeStatus.Ok) decoded++;
            frame?.Dispose();
        });
        using var source = pool.Rent(320, 240);
        ushort seq = 0;

        void Step(int i)
        {
            TestPattern.Render(source, i);
            source.RtpTimestamp = (uint)(i * 3000);
            writer.ResetWrittenCount();
            var r = enc.Encode(source, false, writer);
            if (!r.Encoded) return;
            var payloads = packetizer.Packetize(writer.WrittenSpan);
            while (payloads.TryWriteNext(packet, out int n, out bool last))
                asm.Insert(seq++, source.RtpTimestamp, last, packet.AsSpan(0, n), i);
        }

        for (int i = 0; i < 20; i++) Step(i); // warm-up: JIT, pools
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 20; i < 220; i++) Step(i);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(220, decoded);
        // About 1 KB is a one-off (runtime tiering/pool bookkeeping; the same for 40 or 200 frames); even 24 bytes per
        // frame would exceed the bound.
        Assert.True(allocated < 4096, $"allocated {allocated} bytes over 200 frames");
    }
}
