using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.WebRtc.Tests.Media;

public class FrameAssemblerTests
{
    internal sealed record Pkt(ushort Seq, uint Ts, bool Marker, byte[] Payload, int Frame);

    internal sealed class Harness : IDisposable
    {
        public readonly List<(byte[] Data, uint Ts, bool Key, int PictureId)> Out = new();
        public readonly FrameAssembler Assembler;
        public Harness(FrameAssemblerOptions? options = null)
            => Assembler = new FrameAssembler((in AssembledFrame f) => Out.Add((f.Data.ToArray(), f.RtpTimestamp, f.IsKeyFrame, f.PictureId)), options);
        public PacketInsertResult Insert(Pkt p, long now = 0) => Assembler.Insert(p.Seq, p.Ts, p.Marker, p.Payload, now);
        public void InsertAll(IEnumerable<Pkt> ps, long now = 0) { foreach (var p in ps) Insert(p, now); }
        public List<uint> Timestamps => Out.Select(o => o.Ts).ToList();
        public void Dispose() => Assembler.Dispose();
    }

    /// <summary>Frames of 250 bytes in payloads of at most 100 (3 packets each); frame i has ts 3000*i.</summary>
    internal static (List<Pkt> Packets, List<byte[]> Frames) Stream(int count, Func<int, bool> isKey,
        ushort firstSeq = 1000, int frameSize = 250, int startFrame = 0, int pictureId = 0)
    {
        var p = new Vp8Packetizer(100, pictureId);
        var packets = new List<Pkt>();
        var frames = new List<byte[]>();
        ushort seq = firstSeq;
        var buf = new byte[100];
        for (int i = startFrame; i < startFrame + count; i++)
        {
            var frame = new byte[frameSize];
            new Random(i).NextBytes(frame);
            frame[0] = (byte)(isKey(i) ? frame[0] & 0xFE : frame[0] | 1);
            frames.Add(frame);
            var c = p.Packetize(frame);
            while (c.TryWriteNext(buf, out int n, out bool last))
                packets.Add(new Pkt(seq++, (uint)(i * 3000), last, buf.AsSpan(0, n).ToArray(), i));
        }
        return (packets, frames);
    }

    private static uint Ts(int frame) => (uint)(frame * 3000);

    [Fact]
    public void InOrder_AllFramesEmittedIntact()
    {
        var (packets, frames) = Stream(10, i => i == 0);
        using var h = new Harness();
        h.InsertAll(packets);
        Assert.Equal(10, h.Out.Count);
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(frames[i], h.Out[i].Data);
            Assert.Equal(Ts(i), h.Out[i].Ts);
            Assert.Equal(i == 0, h.Out[i].Key);
            Assert.Equal(i, h.Out[i].PictureId);
        }
        Assert.Equal(10, h.Assembler.FramesAssembled);
        Assert.Equal(1, h.Assembler.KeyFramesAssembled);
        Assert.False(h.Assembler.NeedKeyFrame);
        Assert.Equal(0, h.Assembler.HeldPackets);
        Assert.Equal(0, h.Assembler.HeldFrames);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Reordered_EmittedInOrder(int seed)
    {
        var (packets, frames) = Stream(12, i => i == 0, firstSeq: 65500); // crosses the 16-bit wrap
        var rnd = new Random(seed);
        var shuffled = packets.OrderBy(_ => rnd.Next()).ToList();
        using var h = new Harness();
        h.InsertAll(shuffled);
        Assert.Equal(Enumerable.Range(0, 12).Select(Ts).ToList(), h.Timestamps);
        for (int i = 0; i < 12; i++) Assert.Equal(frames[i], h.Out[i].Data);
        Assert.Equal(0, h.Assembler.FramesDropped);
        Assert.False(h.Assembler.NeedKeyFrame);
    }

    [Fact]
    public void Duplicates_IgnoredAndCounted()
    {
        var (packets, frames) = Stream(5, i => i == 0);
        using var h = new Harness();
        foreach (var p in packets)
        {
            Assert.Equal(PacketInsertResult.Stored, h.Insert(p));
            var again = h.Insert(p);
            Assert.True(again is PacketInsertResult.Duplicate or PacketInsertResult.Late);
        }
        h.InsertAll(packets); // all late now
        Assert.Equal(5, h.Out.Count);
        Assert.Equal(frames, h.Out.Select(o => o.Data).ToList());
        Assert.Equal(packets.Count * 2, h.Assembler.DuplicatePackets + h.Assembler.LatePackets);
    }

    [Fact]
    public void MissingPacket_Retransmitted_FrameCompletesAndLaterFramesFollow()
    {
        var (packets, frames) = Stream(8, i => i == 0);
        var missing = packets.First(p => p.Frame == 3 && !p.Marker && packets.IndexOf(p) % 3 == 1);
        using var h = new Harness();
        foreach (var p in packets) if (p != missing) h.Insert(p, now: 10);
        Assert.Equal(3, h.Out.Count);                       // frames 0..2; 3 incomplete, 4..7 held
        Assert.Equal(5, h.Assembler.HeldFrames);
        h.Assembler.Poll(100);                              // within MaxWaitMs (200)
        Assert.Equal(3, h.Out.Count);
        h.Insert(missing, now: 150);                        // NACK'd retransmission
        Assert.Equal(8, h.Out.Count);
        Assert.Equal(frames, h.Out.Select(o => o.Data).ToList());
        Assert.False(h.Assembler.NeedKeyFrame);
        Assert.Equal(0, h.Assembler.FramesDropped);
    }

    [Fact]
    public void MissingForever_Timeout_NeedKeyFrame_DeltasHeldBackUntilKey()
    {
        var (packets, _) = Stream(16, i => i is 0 or 12);
        var missing = packets.First(p => p.Frame == 3);
        using var h = new Harness();
        foreach (var p in packets.Where(p => p.Frame < 9 && p != missing)) h.Insert(p, now: 0);
        Assert.Equal(3, h.Out.Count);
        Assert.False(h.Assembler.NeedKeyFrame);
        h.Assembler.Poll(201);                               // gap given up
        Assert.True(h.Assembler.NeedKeyFrame);
        Assert.Equal(1, h.Assembler.KeyFrameRequests);
        Assert.Equal(3, h.Out.Count);
        foreach (var p in packets.Where(p => p.Frame is >= 9 and < 12)) h.Insert(p, now: 250);
        Assert.Equal(3, h.Out.Count);                        // delta frames 9..11 not emitted
        Assert.Equal(1, h.Assembler.KeyFrameRequests);
        foreach (var p in packets.Where(p => p.Frame >= 12)) h.Insert(p, now: 300);
        Assert.Equal(new uint[] { Ts(0), Ts(1), Ts(2), Ts(12), Ts(13), Ts(14), Ts(15) }, h.Timestamps);
        Assert.False(h.Assembler.NeedKeyFrame);
        Assert.Equal(1, h.Assembler.KeyFrameRequests);
        Assert.True(h.Assembler.FramesDropped >= 9 - 3);     // frames 3..11 never emitted
        h.Insert(missing, now: 310);                         // the lost packet finally shows up: late
        Assert.Equal(7, h.Out.Count);
        Assert.Equal(0, h.Assembler.HeldPackets);
    }

    [Fact]
    public void DeclareLost_GivesUpWithoutWaiting()
    {
        var (packets, _) = Stream(6, i => i == 0);
        var missing = packets.First(p => p.Frame == 2 && p.Marker);
        using var h = new Harness();
        foreach (var p in packets.Where(p => p.Frame < 2)) h.Insert(p);
        h.Assembler.DeclareLost(packets[0].Seq);             // already emitted: ignored
        foreach (var p in packets.Where(p => p.Frame is >= 2 and < 4 && p != missing)) h.Insert(p);
        Assert.False(h.Assembler.NeedKeyFrame);
        h.Assembler.DeclareLost(missing.Seq);
        h.Assembler.Poll(0);
        Assert.True(h.Assembler.NeedKeyFrame);
        Assert.Equal(2, h.Out.Count);
    }

    [Fact]
    public void Padding_WithoutPictureIds_FillsSeqGaps()
    {
        // Hand-built packets with X=0 (no PictureID): continuity by sequence number only.
        using var h = new Harness();
        byte[] Key(byte b) => [0x10, 0x00, b];   // S=1 PID=0, VP8 byte P=0 (key)
        byte[] Delta(byte b) => [0x10, 0x01, b]; // P=1
        h.Assembler.Insert(10, 0, true, Key(1), 0);
        Assert.Single(h.Out);
        h.Assembler.Insert(13, 3000, true, Delta(2), 0);      // seq 11, 12 not seen yet
        Assert.Single(h.Out);
        Assert.Equal(PacketInsertResult.Padding, h.Assembler.Insert(12, 0, false, [], 0));
        Assert.Single(h.Out);
        h.Assembler.Insert(11, 0, false, [], 0);              // padding fills the gap
        Assert.Equal(2, h.Out.Count);
        Assert.Equal(2, h.Assembler.PaddingPackets);
        Assert.Equal(new byte[] { 0x01, 2 }, h.Out[1].Data);
    }

    [Fact]
    public void PictureIdContinuity_BridgesAMissingPaddingSeq()
    {
        var (a, _) = Stream(2, i => i == 0, firstSeq: 100);
        var (b, _) = Stream(1, _ => false, firstSeq: (ushort)(100 + a.Count + 1), startFrame: 2, pictureId: 2);
        using var h = new Harness();
        h.InsertAll(a);
        h.InsertAll(b);                                        // seq gap of one (a lost padding packet)
        Assert.Equal(3, h.Out.Count);
        Assert.False(h.Assembler.NeedKeyFrame);
    }

    [Fact]
    public void FirstKeyFrameMissingAPacket_DeltasHeldUntilItIsRepaired()
    {
        var (packets, frames) = Stream(6, i => i == 0);
        var missing = packets.First(p => p.Frame == 0 && !p.Marker && packets.IndexOf(p) == 1);
        using var h = new Harness();
        foreach (var p in packets) if (p != missing) h.Insert(p, now: 0);
        Assert.Empty(h.Out);
        Assert.False(h.Assembler.NeedKeyFrame);               // a keyframe is still being assembled
        h.Insert(missing, now: 50);
        Assert.Equal(frames, h.Out.Select(o => o.Data).ToList());
        Assert.Equal(0, h.Assembler.FramesDropped);
    }

    [Fact]
    public void FrameLargerThanByteBudget_DroppedAndCounted()
    {
        var (packets, _) = Stream(3, i => i == 0, frameSize: 400);
        using var h = new Harness(new FrameAssemblerOptions { MaxBytes = 1500 });
        h.InsertAll(packets.Where(p => p.Frame == 0));
        Assert.Single(h.Out);
        var (big, _) = Stream(1, _ => false, firstSeq: (ushort)(packets.Count(p => p.Frame == 0) + 1000), frameSize: 4000, startFrame: 1, pictureId: 1);
        var results = big.Select(p => h.Insert(p)).ToList();
        Assert.Contains(PacketInsertResult.Dropped, results);
        Assert.True(h.Assembler.OversizePackets > 0);
        Assert.InRange(h.Assembler.HeldBytes, 0, 1500);
        Assert.Single(h.Out);
        Assert.True(h.Assembler.NeedKeyFrame);
    }

    [Fact]
    public void StartsWithDelta_NeedKeyFrame_ThenKeyStartsStream()
    {
        var (packets, _) = Stream(6, i => i == 3);
        using var h = new Harness();
        h.InsertAll(packets.Where(p => p.Frame < 3));
        Assert.Empty(h.Out);
        Assert.True(h.Assembler.NeedKeyFrame);
        h.InsertAll(packets.Where(p => p.Frame >= 3));
        Assert.Equal(new[] { Ts(3), Ts(4), Ts(5) }, h.Timestamps);
        Assert.False(h.Assembler.NeedKeyFrame);
        Assert.Equal(3, h.Assembler.FramesDropped);
    }

    [Fact]
    public void KeyFrameComplete_SkipsOlderIncompleteFrame()
    {
        var (packets, _) = Stream(5, i => i is 0 or 3);
        var missing = packets.First(p => p.Frame == 2);
        using var h = new Harness();
        foreach (var p in packets) if (p != missing) h.Insert(p);
        Assert.Equal(new[] { Ts(0), Ts(1), Ts(3), Ts(4) }, h.Timestamps);
        Assert.Equal(1, h.Assembler.FramesDropped);
        Assert.False(h.Assembler.NeedKeyFrame);
        Assert.Equal(0, h.Assembler.HeldPackets);
    }

    [Fact]
    public void DecoderFailure_RequestKeyFrame_HoldsDeltasUntilKey()
    {
        var (packets, _) = Stream(6, i => i is 0 or 4);
        using var h = new Harness();
        h.InsertAll(packets.Where(p => p.Frame < 2));
        h.Assembler.RequestKeyFrame();
        Assert.True(h.Assembler.NeedKeyFrame);
        h.InsertAll(packets.Where(p => p.Frame >= 2));
        Assert.Equal(new[] { Ts(0), Ts(1), Ts(4), Ts(5) }, h.Timestamps);
    }

    [Fact]
    public void SequenceJumpFarBack_ResetsAndRecoversOnKey()
    {
        var (a, _) = Stream(3, i => i == 0, firstSeq: 40000);
        var (b, _) = Stream(2, i => i == 10, firstSeq: 30000, startFrame: 10); // 10000 behind: a restart
        using var h = new Harness();
        h.InsertAll(a);
        h.InsertAll(b);
        Assert.Equal(1, h.Assembler.Resets);
        Assert.Equal(new[] { Ts(0), Ts(1), Ts(2), Ts(10), Ts(11) }, h.Timestamps);
    }

    [Fact]
    public void Bounded_10000GarbageAndIncompletePackets()
    {
        var opts = new FrameAssemblerOptions { PacketCapacity = 512, MaxFrames = 16, MaxBytes = 64 * 1024 };
        using var h = new Harness(opts);
        var rnd = new Random(42);
        int maxFrames = 0, maxPackets = 0, maxBytes = 0;
        ushort seq = 0;
        for (int i = 0; i < 10_000; i++)
        {
            int len = rnd.Next(0, 1400);
            var payload = new byte[len];
            rnd.NextBytes(payload);
            if (len > 0 && rnd.Next(3) > 0) payload[0] = (byte)(payload[0] & 0x6F); // X=0 mostly valid descriptor, S=0
            seq += (ushort)rnd.Next(1, 4);                                           // gaps: never complete
            uint ts = (uint)rnd.Next(0, 5000) * 3000;
            h.Assembler.Insert(seq, ts, rnd.Next(10) == 0, payload, i);
            maxFrames = Math.Max(maxFrames, h.Assembler.HeldFrames);
            maxPackets = Math.Max(maxPackets, h.Assembler.HeldPackets);
            maxBytes = Math.Max(maxBytes, h.Assembler.HeldBytes);
        }
        Assert.InRange(maxFrames, 1, 16);
        Assert.InRange(maxPackets, 1, 512);
        Assert.InRange(maxBytes, 1, 64 * 1024);
        Assert.True(h.Assembler.FramesDropped > 100);
        Assert.Equal(10_000, h.Assembler.PacketsReceived);
    }
}
