using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.WebRtc.Tests.Media;

public class Vp8PayloadTests
{
    private static byte[] RandomFrame(int size, int seed, bool key)
    {
        var data = new byte[size];
        new Random(seed).NextBytes(data);
        data[0] = (byte)(key ? data[0] & 0xFE : data[0] | 0x01);
        return data;
    }

    private static List<byte[]> Packetize(Vp8Packetizer p, byte[] frame, out int pictureId, out List<bool> lastFlags)
    {
        var packets = new List<byte[]>();
        lastFlags = new List<bool>();
        var buf = new byte[p.MaxPayloadSize];
        var cursor = p.Packetize(frame);
        pictureId = cursor.PictureId;
        Assert.Equal(p.PacketCount(frame.Length), cursor.PacketCount);
        while (cursor.TryWriteNext(buf, out int n, out bool last))
        {
            Assert.InRange(n, 5, p.MaxPayloadSize);
            packets.Add(buf.AsSpan(0, n).ToArray());
            lastFlags.Add(last);
        }
        return packets;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(500)]
    [InlineData(1096)]
    [InlineData(1097)]
    [InlineData(50_000)]
    public void RoundTrip_SmallAndLargeFrames(int size)
    {
        var p = new Vp8Packetizer(1100, initialPictureId: 77);
        var frame = RandomFrame(size, size, key: true);
        var packets = Packetize(p, frame, out int pid, out var last);
        Assert.Equal(77, pid);
        Assert.Equal((size + 1095) / 1096, packets.Count);
        Assert.Equal(packets.Count - 1, last.IndexOf(true));
        Assert.True(last[^1]);

        var joined = new List<byte>();
        int maxLen = 0, minLen = int.MaxValue;
        for (int i = 0; i < packets.Count; i++)
        {
            Assert.True(Vp8Depacketizer.TryParse(packets[i], out var d));
            Assert.True(d.Extended && d.HasPictureId && d.PictureIdIs15Bit);
            Assert.Equal(77, d.PictureId);
            Assert.Equal(0, d.PartitionId);
            Assert.Equal(i == 0, d.StartOfPartition);
            Assert.Equal(4, d.PayloadOffset);
            Assert.False(d.HasTl0PicIdx || d.HasTemporalLayerId || d.HasKeyIdx || d.NonReference);
            joined.AddRange(packets[i].AsSpan(d.PayloadOffset).ToArray());
            maxLen = Math.Max(maxLen, packets[i].Length);
            minLen = Math.Min(minLen, packets[i].Length);
        }
        Assert.Equal(frame, joined.ToArray());
        Assert.InRange(maxLen - minLen, 0, 1); // even split
        Assert.True(Vp8Depacketizer.IsKeyFrame(packets[0]));
        Assert.Equal(78, p.NextPictureId);
    }

    [Fact]
    public void DeltaFrame_IsNotKey_AndKeyFrameSizeFromHeader()
    {
        var p = new Vp8Packetizer(1100);
        var delta = Packetize(p, RandomFrame(3000, 1, key: false), out _, out _);
        Assert.False(Vp8Depacketizer.IsKeyFrame(delta[0]));
        Assert.False(Vp8Depacketizer.IsKeyFrame(delta[1])); // not a start packet

        byte[] keyHeader = [0x50, 0x42, 0x00, 0x9D, 0x01, 0x2A, 0x80, 0x02, 0xE0, 0x01, 1, 2, 3]; // 640x480
        var key = Packetize(p, keyHeader, out _, out _);
        Assert.True(Vp8Depacketizer.TryGetKeyFrameSize(key[0], out int w, out int h));
        Assert.Equal((640, 480), (w, h));
        Assert.False(Vp8Depacketizer.TryGetKeyFrameSize(delta[0], out _, out _));
    }

    [Fact]
    public void RealEncodedKeyFrame_SizeFromFirstPacket()
    {
        using var enc = new Vp8Encoder();
        var frames = MediaTestUtil.EncodeSequence(enc, 352, 288, 1);
        var packets = Packetize(new Vp8Packetizer(1100), frames[0]!.Value.Data, out _, out _);
        Assert.True(Vp8Depacketizer.TryGetKeyFrameSize(packets[0], out int w, out int h));
        Assert.Equal((352, 288), (w, h));
    }

    [Fact]
    public void PictureId_WrapsAt0x7FFF()
    {
        var p = new Vp8Packetizer(1100, initialPictureId: 0x7FFE);
        var ids = new List<int>();
        for (int i = 0; i < 3; i++)
        {
            var pk = Packetize(p, RandomFrame(10, i, false), out int pid, out _);
            Assert.True(Vp8Depacketizer.TryParse(pk[0], out var d));
            Assert.Equal(pid, d.PictureId);
            ids.Add(d.PictureId);
        }
        Assert.Equal([0x7FFE, 0x7FFF, 0], ids);
        Assert.Equal(0x7FFF & 0xFFFF, new Vp8Packetizer(1100, 0xFFFF).NextPictureId);
    }

    public static TheoryData<string, bool, int, int> DescriptorCases => new()
    {
        // hex, ok, payloadOffset, pictureId
        { "10 AA", true, 1, -1 },                 // X=0, S=1, PID=0
        { "13 AA", true, 1, -1 },                 // PID=3
        { "20 AA", true, 1, -1 },                 // N=1
        { "90 80 05 AA", true, 3, 5 },            // 7-bit PictureID
        { "90 80 81 23 AA", true, 4, 0x123 },     // 15-bit PictureID
        { "90 E0 05 07 A3 AA", true, 5, 5 },      // I, L, T (TID 2, Y 1)
        { "80 10 1F AA", true, 3, -1 },           // K only: KEYIDX 31
        { "80 F0 FF FF 11 7F AA", true, 6, 0x7FFF }, // everything
        { "80 00 AA", true, 2, -1 },              // X with no optional fields
        { "", false, 0, 0 },
        { "10", false, 0, 0 },                    // no VP8 data
        { "90 80", false, 0, 0 },                 // I announced, missing
        { "90 80 81", false, 0, 0 },              // M=1, second byte missing
        { "90 80 81 23", false, 0, 0 },           // descriptor only
        { "90 40", false, 0, 0 },                 // L announced, missing
        { "90 20", false, 0, 0 },                 // T announced, missing
        { "80", false, 0, 0 },                    // X announced, missing
    };

    [Theory]
    [MemberData(nameof(DescriptorCases))]
    public void Descriptor_HandWrittenForms(string hex, bool ok, int offset, int pictureId)
    {
        var bytes = hex.Length == 0 ? [] : Convert.FromHexString(hex.Replace(" ", ""));
        Assert.Equal(ok, Vp8Depacketizer.TryParse(bytes, out var d));
        if (!ok) return;
        Assert.Equal(offset, d.PayloadOffset);
        Assert.Equal(pictureId >= 0, d.HasPictureId);
        if (pictureId >= 0) Assert.Equal(pictureId, d.PictureId);
        Assert.Equal(0xAA, bytes[d.PayloadOffset]);
    }

    [Fact]
    public void Descriptor_FieldDetails()
    {
        Assert.True(Vp8Depacketizer.TryParse(Convert.FromHexString("90E005" + "07A3AA"), out var d));
        Assert.True(d.HasTl0PicIdx && d.HasTemporalLayerId && !d.HasKeyIdx && !d.PictureIdIs15Bit);
        Assert.Equal(7, d.Tl0PicIdx);
        Assert.Equal(2, d.TemporalLayerId);
        Assert.True(d.LayerSync);
        Assert.Equal(0, d.KeyIdx);
        Assert.True(d.IsFrameStart);

        Assert.True(Vp8Depacketizer.TryParse(Convert.FromHexString("80101FAA"), out d));
        Assert.True(d.HasKeyIdx && !d.HasTemporalLayerId);
        Assert.Equal(31, d.KeyIdx);
        Assert.False(d.StartOfPartition);

        Assert.True(Vp8Depacketizer.TryParse(Convert.FromHexString("33AA"), out d));
        Assert.True(d.NonReference && d.StartOfPartition && !d.Extended);
        Assert.Equal(3, d.PartitionId);
        Assert.False(d.IsFrameStart);
    }
}
