using WebRtcBridge.WebRtc.Rtp.Rtcp;

namespace WebRtcBridge.WebRtc.Tests.Rtp;

public class RtcpTests
{
    private static byte[] H(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    private static RtcpPacket Single(ReadOnlySpan<byte> data, RtcpPacketKind kind)
    {
        var r = new RtcpCompoundReader(data);
        Assert.True(r.TryReadNext(out var p));
        Assert.Equal(kind, p.Kind);
        Assert.False(r.TryReadNext(out _));
        Assert.False(r.IsMalformed);
        return p;
    }

    private static readonly ReportBlock Block1 = new(0x11111111, 28, 3, 0x0001_0014, 56, 0x2345_6789, 32768);
    private static readonly ReportBlock Block2 = new(0x22222222, 0, -2, 99, 0, 0, 0);

    [Fact]
    public void Pli_ExactBytes_AndParse()
    {
        var buf = new byte[12];
        var w = new RtcpCompoundWriter(buf);
        Assert.True(w.WritePictureLossIndication(0x01020304, 0xCAFEBABE));
        Assert.Equal(H("81ce0002 01020304 cafebabe"), w.Written.ToArray());
        var pli = Single(buf, RtcpPacketKind.PictureLossIndication).AsPictureLossIndication();
        Assert.Equal(0x01020304u, pli.SenderSsrc);
        Assert.Equal(0xCAFEBABEu, pli.MediaSsrc);
    }

    [Fact]
    public void GenericNack_ExactBytes_PidAndBlp()
    {
        var buf = new byte[64];
        var w = new RtcpCompoundWriter(buf);
        // 100, 101, 103 -> PID 100 BLP 0b101; 120 -> new entry (20 > 16); 65535, 0 across the wrap -> PID 65535 BLP 1.
        Assert.True(w.WriteGenericNack(1, 2, [100, 101, 103, 120, 65535, 0]));
        Assert.Equal(H("81cd0005 00000001 00000002 00640005 00780000 ffff0001"), w.Written.ToArray());
        var nack = Single(w.Written, RtcpPacketKind.GenericNack).AsGenericNack();
        Assert.Equal(2u, nack.MediaSsrc);
        Assert.Equal(3, nack.EntryCount);
        Assert.Equal(new NackEntry(100, 5), nack.GetEntry(0));
        Span<ushort> lost = stackalloc ushort[16];
        int n = nack.CopyLostSequenceNumbers(lost);
        Assert.Equal(new ushort[] { 100, 101, 103, 120, 65535, 0 }, lost.Slice(0, n).ToArray());
    }

    [Fact]
    public void GenericNack_Parse_CapturedBytes_AllBlpBits()
    {
        var nack = Single(H("81cd0003 aaaaaaaa bbbbbbbb 0010ffff"), RtcpPacketKind.GenericNack).AsGenericNack();
        Span<ushort> lost = stackalloc ushort[32];
        Assert.Equal(17, nack.CopyLostSequenceNumbers(lost));
        Assert.Equal(16, lost[0]);
        Assert.Equal(32, lost[16]);
    }

    [Fact]
    public void Remb_ExactBytes_ExponentMantissa()
    {
        var buf = new byte[64];
        var w = new RtcpCompoundWriter(buf);
        Assert.True(w.WriteRemb(0x01020304, 1_000_000, [0xCAFEBABE]));
        // 1 000 000 = 250 000 << 2: exp 2, mantissa 0x3D090.
        Assert.Equal(H("8fce0005 01020304 00000000 52454d42 010bd090 cafebabe"), w.Written.ToArray());
        var remb = Single(w.Written, RtcpPacketKind.ReceiverEstimatedMaxBitrate).AsRemb();
        Assert.Equal(1_000_000ul, remb.BitrateBps);
        Assert.Equal(1, remb.SsrcCount);
        Assert.Equal(0xCAFEBABEu, remb.GetSsrc(0));
    }

    [Theory]
    [InlineData(0ul, 0ul)]
    [InlineData(262_143ul, 262_143ul)]
    [InlineData(300_000_000ul, 299_999_232ul)] // rounded down to the 18-bit mantissa
    public void Remb_Bitrate_RoundTrip(ulong bps, ulong expected)
    {
        var buf = new byte[32];
        var w = new RtcpCompoundWriter(buf);
        Assert.True(w.WriteRemb(1, bps, []));
        Assert.Equal(expected, Single(w.Written, RtcpPacketKind.ReceiverEstimatedMaxBitrate).AsRemb().BitrateBps);
    }

    [Fact]
    public void Fir_RoundTrip_AndLayout()
    {
        var buf = new byte[64];
        var w = new RtcpCompoundWriter(buf);
        Assert.True(w.WriteFullIntraRequest(7, [new FirEntry(0xCAFEBABE, 3)]));
        Assert.Equal(H("84ce0004 00000007 00000000 cafebabe 03000000"), w.Written.ToArray());
        var fir = Single(w.Written, RtcpPacketKind.FullIntraRequest).AsFullIntraRequest();
        Assert.Equal(1, fir.EntryCount);
        Assert.Equal(new FirEntry(0xCAFEBABE, 3), fir.GetEntry(0));
    }

    [Fact]
    public void SenderReport_RoundTrip()
    {
        var buf = new byte[200];
        var w = new RtcpCompoundWriter(buf);
        Assert.True(w.WriteSenderReport(0xAABBCCDD, 0x0123456789ABCDEF, 90000, 500, 600000, [Block1, Block2]));
        Assert.Equal(28 + 48, w.Length);
        Assert.Equal(H("82c8 0012 aabbccdd"), buf.AsSpan(0, 8).ToArray());
        var sr = Single(w.Written, RtcpPacketKind.SenderReport).AsSenderReport();
        Assert.Equal(0xAABBCCDDu, sr.SenderSsrc);
        Assert.Equal(0x0123456789ABCDEFul, sr.NtpTimestamp);
        Assert.Equal(90000u, sr.RtpTimestamp);
        Assert.Equal(500u, sr.PacketCount);
        Assert.Equal(600000u, sr.OctetCount);
        Assert.Equal(2, sr.ReportBlockCount);
        Assert.Equal(Block1, sr.GetReportBlock(0));
        Assert.Equal(Block2, sr.GetReportBlock(1)); // negative cumulative loss survives the 24-bit field
    }

    [Fact]
    public void ReceiverReport_RoundTrip_AndEmpty()
    {
        var buf = new byte[100];
        var w = new RtcpCompoundWriter(buf);
        Assert.True(w.WriteReceiverReport(5, [Block1]));
        var rr = Single(w.Written, RtcpPacketKind.ReceiverReport).AsReceiverReport();
        Assert.Equal(5u, rr.SenderSsrc);
        Assert.Equal(Block1, rr.GetReportBlock(0));

        var empty = new RtcpCompoundWriter(buf);
        Assert.True(empty.WriteReceiverReport(5, []));
        Assert.Equal(H("80c90001 00000005"), empty.Written.ToArray());
    }

    [Fact]
    public void Sdes_Cname_ExactBytes_AndParse()
    {
        var buf = new byte[64];
        var w = new RtcpCompoundWriter(buf);
        Assert.True(w.WriteSourceDescriptionCname(0x01020304, "abc"u8));
        // chunk: SSRC, 01 03 'a' 'b' 'c', null, pad to 12 bytes
        Assert.Equal(H("81ca0003 01020304 0103616263000000"), w.Written.ToArray());
        var sdes = Single(w.Written, RtcpPacketKind.SourceDescription).AsSourceDescription();
        Assert.True(sdes.TryGetCname(out uint ssrc, out var cname));
        Assert.Equal(0x01020304u, ssrc);
        Assert.Equal("abc"u8.ToArray(), cname.ToArray());
    }

    [Fact]
    public void Sdes_CnameOfLengthThatNeedsFullPadWord()
    {
        var buf = new byte[64];
        var w = new RtcpCompoundWriter(buf);
        Assert.True(w.WriteSourceDescriptionCname(9, "abcdef"u8)); // 4+2+6 = 12, +null = 13 -> 16
        Assert.Equal(20, w.Length);
        var sdes = Single(w.Written, RtcpPacketKind.SourceDescription).AsSourceDescription();
        Assert.True(sdes.TryGetCname(out _, out var cname));
        Assert.Equal("abcdef"u8.ToArray(), cname.ToArray());
    }

    [Fact]
    public void Bye_RoundTrip_WithReason()
    {
        var buf = new byte[64];
        var w = new RtcpCompoundWriter(buf);
        Assert.True(w.WriteGoodbye([1, 2], "bye"u8));
        Assert.Equal(H("82cb0003 00000001 00000002 03627965"), w.Written.ToArray());
        var bye = Single(w.Written, RtcpPacketKind.Goodbye).AsGoodbye();
        Assert.Equal(2, bye.SsrcCount);
        Assert.Equal(2u, bye.GetSsrc(1));
        Assert.Equal("bye"u8.ToArray(), bye.Reason.ToArray());
    }

    [Fact]
    public void Compound_SrSdesRembNackPliFirBye_RoundTrip_InOrder()
    {
        var buf = new byte[1200];
        var w = new RtcpCompoundWriter(buf);
        Assert.True(w.WriteSenderReport(1, 2, 3, 4, 5, [Block1]));
        Assert.True(w.WriteSourceDescriptionCname(1, "cname-1"u8));
        Assert.True(w.WriteRemb(1, 2_500_000, [9]));
        Assert.True(w.WriteGenericNack(1, 9, [10, 12]));
        Assert.True(w.WritePictureLossIndication(1, 9));
        Assert.True(w.WriteFullIntraRequest(1, [new FirEntry(9, 1)]));
        Assert.True(w.WriteGoodbye([1]));
        var kinds = new List<RtcpPacketKind>();
        var r = new RtcpCompoundReader(w.Written);
        while (r.TryReadNext(out var p))
        {
            kinds.Add(p.Kind);
            Assert.Equal(1u, p.SenderSsrc);
            if (p.Kind == RtcpPacketKind.ReceiverEstimatedMaxBitrate) Assert.Equal(2_500_000ul, p.AsRemb().BitrateBps);
        }
        Assert.False(r.IsMalformed);
        Assert.Equal(new[]
        {
            RtcpPacketKind.SenderReport, RtcpPacketKind.SourceDescription, RtcpPacketKind.ReceiverEstimatedMaxBitrate,
            RtcpPacketKind.GenericNack, RtcpPacketKind.PictureLossIndication, RtcpPacketKind.FullIntraRequest, RtcpPacketKind.Goodbye,
        }, kinds);
    }

    [Fact]
    public void Compound_UnknownTypesAreSkipped_AndCounted()
    {
        // RR, APP (204), TWCC (205/15), XR (207), PLI
        var data = H("80c90001 00000005" + "80cc0002 00000005 41424344" + "8fcd0002 00000005 00000009" + "80cf0001 00000005" + "81ce0002 00000005 00000009");
        var r = new RtcpCompoundReader(data);
        Assert.True(r.TryReadNext(out var a));
        Assert.Equal(RtcpPacketKind.ReceiverReport, a.Kind);
        Assert.True(r.TryReadNext(out var b));
        Assert.Equal(RtcpPacketKind.PictureLossIndication, b.Kind);
        Assert.False(r.TryReadNext(out _));
        Assert.Equal(3, r.SkippedUnknown);
        Assert.False(r.IsMalformed);
    }

    [Fact]
    public void ReducedSize_LoneNack_IsAccepted()
        => Assert.Equal(RtcpPacketKind.GenericNack, Single(H("81cd0003 00000001 00000002 00640000"), RtcpPacketKind.GenericNack).Kind);

    [Fact]
    public void PaddedPacket_IsAccepted()
    {
        // RR with 4 bytes of padding (P bit, last octet 4)
        var p = Single(H("a0c90002 00000005 00000004"), RtcpPacketKind.ReceiverReport);
        Assert.Equal(8, p.Data.Length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("80c9")]                                  // short header
    [InlineData("40c90001 00000005")]                    // version 1
    [InlineData("80c90002 00000005")]                    // length beyond data
    [InlineData("81c90001 00000005")]                    // RR count 1, no block
    [InlineData("81c80006 00000005 0000000000000000 00000000 00000000")] // SR count 1, no block
    [InlineData("81cd0002 00000001 00000002")]           // NACK without FCI
    [InlineData("81ce0001 00000001")]                     // PLI without media SSRC
    [InlineData("84ce0002 00000001 00000000")]           // FIR without entry
    [InlineData("8fce0004 00000001 00000000 52454d42 02000000")] // REMB claims 2 SSRCs, has 0
    [InlineData("81ca0002 00000001 01056162")]           // SDES item runs past the end
    [InlineData("a0c90002 00000005 00000000")]           // padding count 0
    [InlineData("82cb0001 00000001")]                    // BYE count 2, one SSRC
    public void Malformed_StopsTheWalk(string hex)
    {
        var r = new RtcpCompoundReader(H(hex));
        Assert.False(r.TryReadNext(out _));
        Assert.True(r.IsMalformed);
    }

    [Fact]
    public void MalformedAfterValid_YieldsValidThenStops()
    {
        var r = new RtcpCompoundReader(H("81ce0002 00000001 00000002" + "80c90005 00000005"));
        Assert.True(r.TryReadNext(out _));
        Assert.False(r.TryReadNext(out _));
        Assert.True(r.IsMalformed);
    }

    [Fact]
    public void Writer_ReturnsFalse_WhenFull()
    {
        var buf = new byte[16];
        var w = new RtcpCompoundWriter(buf);
        Assert.True(w.WritePictureLossIndication(1, 2));
        Assert.False(w.WritePictureLossIndication(1, 2));
        Assert.Equal(12, w.Length);
    }

    [Fact]
    public void Mutation_RandomCorruption_NeverThrows()
    {
        var buf = new byte[1200];
        var w = new RtcpCompoundWriter(buf);
        w.WriteSenderReport(1, 2, 3, 4, 5, [Block1, Block2]);
        w.WriteSourceDescriptionCname(1, "cname-1"u8);
        w.WriteRemb(1, 2_500_000, [9, 10]);
        w.WriteGenericNack(1, 9, [10, 12, 40]);
        w.WritePictureLossIndication(1, 9);
        w.WriteFullIntraRequest(1, [new FirEntry(9, 1)]);
        w.WriteGoodbye([1], "x"u8);
        var seed = w.Written.ToArray();
        var rnd = new Random(99);
        int packets = 0, malformed = 0;
        Span<ushort> lost = stackalloc ushort[64];
        for (int i = 0; i < 5000; i++)
        {
            var m = Srtp.SrtpContextTests.Mutate(seed, rnd);
            var r = new RtcpCompoundReader(m);
            while (r.TryReadNext(out var p))
            {
                packets++;
                long sink = p.SenderSsrc + p.CountOrFormat;
                switch (p.Kind)
                {
                    case RtcpPacketKind.SenderReport:
                        var sr = p.AsSenderReport();
                        sink += (long)(sr.NtpTimestamp >> 8) + sr.OctetCount;
                        for (int b = 0; b < sr.ReportBlockCount; b++) sink += sr.GetReportBlock(b).Jitter;
                        break;
                    case RtcpPacketKind.ReceiverReport:
                        var rr = p.AsReceiverReport();
                        for (int b = 0; b < rr.ReportBlockCount; b++) sink += rr.GetReportBlock(b).Jitter;
                        break;
                    case RtcpPacketKind.SourceDescription:
                        var chunks = p.AsSourceDescription().GetChunks();
                        while (chunks.MoveNext()) sink += chunks.Cname.Length;
                        break;
                    case RtcpPacketKind.Goodbye:
                        var bye = p.AsGoodbye();
                        for (int s = 0; s < bye.SsrcCount; s++) sink += bye.GetSsrc(s);
                        sink += bye.Reason.Length;
                        break;
                    case RtcpPacketKind.GenericNack:
                        sink += p.AsGenericNack().CopyLostSequenceNumbers(lost);
                        break;
                    case RtcpPacketKind.PictureLossIndication:
                        sink += p.AsPictureLossIndication().MediaSsrc;
                        break;
                    case RtcpPacketKind.FullIntraRequest:
                        var fir = p.AsFullIntraRequest();
                        for (int e = 0; e < fir.EntryCount; e++) sink += fir.GetEntry(e).SequenceNumber;
                        break;
                    case RtcpPacketKind.ReceiverEstimatedMaxBitrate:
                        var remb = p.AsRemb();
                        sink += (long)(remb.BitrateBps & 0xFFFF);
                        for (int s = 0; s < remb.SsrcCount; s++) sink += remb.GetSsrc(s);
                        break;
                }
                Assert.True(sink >= 0);
            }
            if (r.IsMalformed) malformed++;
        }
        Assert.True(packets > 1000);
        Assert.True(malformed > 100);
    }
}
