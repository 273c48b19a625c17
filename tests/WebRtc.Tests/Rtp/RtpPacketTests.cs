using WebRtcBridge.WebRtc.Rtp;

namespace WebRtcBridge.WebRtc.Tests.Rtp;

public class RtpPacketTests
{
    [Fact]
    public void Writer_FixedHeader_ExactBytes_AndReaderRoundTrip()
    {
        var buf = new byte[64];
        var w = new RtpPacketWriter(buf, 96, 0x1234, 0xDECAFBAD, 0xCAFEBABE, marker: true);
        w.WritePayload([1, 2, 3]);
        int n = w.Complete();
        Assert.Equal("80E01234DECAFBADCAFEBABE010203", Convert.ToHexString(buf, 0, n));

        Assert.True(RtpPacketReader.TryParse(buf.AsSpan(0, n), out var r));
        Assert.True(r.Marker);
        Assert.Equal(96, r.PayloadType);
        Assert.Equal(0x1234, r.SequenceNumber);
        Assert.Equal(0xDECAFBADu, r.Timestamp);
        Assert.Equal(0xCAFEBABEu, r.Ssrc);
        Assert.Equal(12, r.HeaderLength);
        Assert.False(r.HasExtension);
        Assert.Equal(new byte[] { 1, 2, 3 }, r.Payload.ToArray());
    }

    [Fact]
    public void Writer_OneByteExtensions_ExactBytes_AbsSendTimeAndMid()
    {
        var buf = new byte[64];
        var w = new RtpPacketWriter(buf, 96, 1, 2, 3);
        Span<byte> ast = stackalloc byte[3];
        AbsSendTime.Write(ast, 0xABCDEF);
        w.AddExtension(2, ast);
        w.AddExtension(9, "0"u8);
        w.WritePayload([0xFF]);
        int n = w.Complete();
        // BEDE, length 2 words; elements 0x22 (id 2, len 3), 0x90 (id 9, len 1) '0'; two bytes of zero padding.
        Assert.Equal("90600001" + "00000002" + "00000003" + "BEDE0002" + "22ABCDEF" + "90300000" + "FF", Convert.ToHexString(buf, 0, n));

        Assert.True(RtpPacketReader.TryParse(buf.AsSpan(0, n), out var r));
        Assert.Equal(0xBEDE, r.ExtensionProfile);
        Assert.Equal(24, r.HeaderLength);
        Assert.True(r.TryGetExtension(2, out var astData));
        Assert.True(AbsSendTime.TryRead(astData, out uint v));
        Assert.Equal(0xABCDEFu, v);
        Assert.True(r.TryGetExtension(9, out var mid));
        Assert.Equal("0"u8.ToArray(), mid.ToArray());
        Assert.False(r.TryGetExtension(4, out _));
        int count = 0;
        foreach (var e in r.GetExtensions()) { count++; Assert.True(e.Id is 2 or 9); }
        Assert.Equal(2, count);
        Assert.Equal(new byte[] { 0xFF }, r.Payload.ToArray());
    }

    [Fact]
    public void CsrcsExtensionPaddingAndPayload_RoundTrip()
    {
        var buf = new byte[256];
        var w = new RtpPacketWriter(buf, 111, 65535, 123456, 0x01020304);
        w.AddCsrc(0xAAAAAAAA);
        w.AddCsrc(0xBBBBBBBB);
        w.AddExtension(1, new byte[16]);
        var payload = w.GetPayloadSpan(50);
        for (int i = 0; i < payload.Length; i++) payload[i] = (byte)i;
        int n = w.Complete(padding: 7);

        Assert.True(RtpPacketReader.TryParse(buf.AsSpan(0, n), out var r));
        Assert.Equal(2, r.CsrcCount);
        Assert.Equal(0xAAAAAAAAu, r.GetCsrc(0));
        Assert.Equal(0xBBBBBBBBu, r.GetCsrc(1));
        Assert.True(r.HasPadding);
        Assert.Equal(7, r.PaddingLength);
        Assert.Equal(12 + 8 + 4 + 20, r.HeaderLength); // 17 bytes of elements padded to 20
        Assert.True(r.TryGetExtension(1, out var ext));
        Assert.Equal(16, ext.Length);
        Assert.Equal(50, r.Payload.Length);
        Assert.Equal(49, r.Payload[49]);
        Assert.Equal(7, buf[n - 1]);
    }

    [Fact]
    public void Reader_TwoByteExtensionForm()
    {
        // Profile 0x1000 (RFC 8285 §4.3): id 20, length 2 "hi"; id 3 length 0; padded to 8 bytes.
        var p = Convert.FromHexString("9060000100000002000000031000000214026869030000000A");
        Assert.True(RtpPacketReader.TryParse(p, out var r));
        Assert.True(r.TryGetExtension(20, out var v));
        Assert.Equal("hi"u8.ToArray(), v.ToArray());
        Assert.True(r.TryGetExtension(3, out var empty));
        Assert.True(empty.IsEmpty);
        Assert.Equal(new byte[] { 0x0A }, r.Payload.ToArray());
    }

    [Fact]
    public void Reader_OneByteForm_PaddingBytesBetweenElements_AndId15Stops()
    {
        var p = Convert.FromHexString("906000010000000200000003BEDE0002" + "00100A00" + "F1AA0000");
        Assert.True(RtpPacketReader.TryParse(p, out var r));
        Assert.True(r.TryGetExtension(1, out var v));
        Assert.Equal(new byte[] { 0x0A }, v.ToArray());
        Assert.False(r.TryGetExtension(15, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("80600001000000020000")]                          // short
    [InlineData("406000010000000200000003")]                        // version 1
    [InlineData("826000010000000200000003AAAAAAAA")]                // CC = 2 but one CSRC
    [InlineData("906000010000000200000003BEDE")]                    // X without full extension header
    [InlineData("906000010000000200000003BEDE000222AB")]            // extension longer than the packet
    [InlineData("A06000010000000200000003")]                        // P with no padding byte
    [InlineData("A0600001000000020000000301020300")]                // padding count 0
    [InlineData("A0600001000000020000000301020309")]                // padding longer than payload
    public void Reader_RejectsMalformed(string hex)
        => Assert.False(RtpPacketReader.TryParse(Convert.FromHexString(hex), out _));

    [Fact]
    public void Writer_OrderAndLimits_AreEnforced()
    {
        var buf = new byte[40];
        Assert.Throws<InvalidOperationException>(() =>
        {
            var w = new RtpPacketWriter(buf, 96, 1, 2, 3);
            w.AddExtension(1, [1]);
            w.AddCsrc(5);
        });
        Assert.Throws<ArgumentOutOfRangeException>(() => new RtpPacketWriter(buf, 96, 1, 2, 3).AddExtension(15, [1]));
        Assert.Throws<ArgumentException>(() => new RtpPacketWriter(buf, 96, 1, 2, 3).WritePayload(new byte[29]));
    }

    [Fact]
    public void AbsSendTime_SixPointEighteenFixedPoint()
    {
        Assert.Equal(1u << 18, AbsSendTime.FromMilliseconds(1000));
        Assert.Equal(1u << 17, AbsSendTime.FromMilliseconds(500));
        Assert.Equal(0u, AbsSendTime.FromMilliseconds(64_000)); // wraps every 64 s
    }

    [Fact]
    public void Mutation_RandomCorruption_NeverThrows()
    {
        var seeds = new List<byte[]>();
        var buf = new byte[300];
        var w = new RtpPacketWriter(buf, 96, 7, 8, 9, true);
        w.AddCsrc(1); w.AddExtension(2, [1, 2, 3]); w.AddExtension(9, "0"u8); w.WritePayload(new byte[40]);
        seeds.Add(buf.AsSpan(0, w.Complete(5)).ToArray());
        seeds.Add(Convert.FromHexString("9060000100000002000000031000000214026869030000000A"));
        seeds.Add(Convert.FromHexString("80E01234DECAFBADCAFEBABE010203"));
        var rnd = new Random(2024);
        int parsed = 0;
        for (int i = 0; i < 5000; i++)
        {
            var m = Srtp.SrtpContextTests.Mutate(seeds[rnd.Next(seeds.Count)], rnd);
            if (!RtpPacketReader.TryParse(m, out var r)) continue;
            parsed++;
            long sink = r.Ssrc + r.Timestamp + r.SequenceNumber + r.PayloadType + r.Payload.Length + r.ExtensionProfile;
            for (int c = 0; c < r.CsrcCount; c++) sink += r.GetCsrc(c);
            foreach (var e in r.GetExtensions()) sink += e.Id + e.Value.Length;
            Assert.True(r.HeaderLength + r.PaddingLength <= m.Length);
            Assert.True(sink >= 0);
        }
        Assert.True(parsed > 100);
    }
}
