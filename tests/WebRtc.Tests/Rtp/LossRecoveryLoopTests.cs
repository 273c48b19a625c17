using WebRtcBridge.WebRtc.Rtp;
using WebRtcBridge.WebRtc.Rtp.Rtcp;
using WebRtcBridge.WebRtc.Srtp;

namespace WebRtcBridge.WebRtc.Tests.Rtp;

/// <summary>Sender and receiver wired together in memory: RTP → SRTP → loss → NACK (SRTCP) → history → retransmission.</summary>
public class LossRecoveryLoopTests
{
    [Theory]
    [InlineData(SrtpProtectionProfile.AesCm128HmacSha1_80)]
    [InlineData(SrtpProtectionProfile.AeadAes128Gcm)]
    public void LostPackets_AreRecoveredByNack_AcrossSequenceWrap(SrtpProtectionProfile profile)
    {
        var material = new byte[SrtpSession.GetKeyingMaterialLength(profile)];
        new Random(11).NextBytes(material);
        using var server = SrtpSession.Create(profile, material, localIsDtlsClient: false);
        using var browser = SrtpSession.Create(profile, material, localIsDtlsClient: true);
        const uint MediaSsrc = 0x5EED0001, ReceiverSsrc = 0x5EED0002;
        var history = new SendHistory();
        var nack = new NackGenerator { RttMs = 20 };
        var stats = new StreamReceiveStatistics(MediaSsrc);
        var received = new HashSet<ushort>();
        var wire = new byte[1500];
        var rtcpBuf = new byte[1500];
        Span<ushort> lost = stackalloc ushort[256];
        Span<ushort> requested = stackalloc ushort[256];
        var resend = new byte[1500];
        var drop = new Random(12);
        ushort seq = 65400;
        for (int i = 0; i < 400; i++, seq++)
        {
            long now = i * 5L;
            // Sender: build, remember plain, protect, "send".
            var w = new RtpPacketWriter(wire, 96, seq, (uint)(i / 8 * 3000), MediaSsrc, marker: i % 8 == 7);
            w.AddExtension(2, [0, 0, (byte)i]);
            w.GetPayloadSpan(1000).Fill((byte)seq);
            int n = w.Complete();
            Assert.True(history.Store(wire.AsSpan(0, n), now));
            Assert.True(server.Outbound.TryProtectRtp(wire, n, out int pn));
            if (i < 390 && drop.Next(10) == 0) continue; // 10 % loss on the way (a lost last packet could not be detected)

            Receive(wire.AsSpan(0, pn), now);

            // Receiver: NACK what is missing (SRTCP), sender resends from history.
            int count = nack.GetNackBatch(now, lost);
            if (count == 0) continue;
            var rw = new RtcpCompoundWriter(rtcpBuf);
            Assert.True(rw.WriteGenericNack(ReceiverSsrc, MediaSsrc, lost.Slice(0, count)));
            Assert.True(browser.Outbound.TryProtectRtcp(rtcpBuf, rw.Length, out int rn));
            Assert.True(server.Inbound.TryUnprotectRtcp(rtcpBuf.AsSpan(0, rn), out int rlen));
            var reader = new RtcpCompoundReader(rtcpBuf.AsSpan(0, rlen));
            Assert.True(reader.TryReadNext(out var pkt));
            var nackPacket = pkt.AsGenericNack();
            int rq = nackPacket.CopyLostSequenceNumbers(requested);
            for (int k = 0; k < rq; k++)
            {
                if (!history.TryGetForRetransmission(requested[k], now, 20, resend, out int len)) continue;
                Assert.True(server.Outbound.TryProtectRtp(resend, len, out int rpn));
                Receive(resend.AsSpan(0, rpn), now + 1);
            }
        }
        Assert.Equal(0, nack.MissingCount);
        Assert.Equal(400, received.Count);
        Assert.Equal(0, stats.CumulativeLost);
        Assert.True(nack.Recovered > 20);
        Assert.Equal(0, browser.Inbound.AuthFailures + browser.Inbound.MalformedDrops);

        void Receive(Span<byte> packet, long now)
        {
            Assert.True(browser.Inbound.TryUnprotectRtp(packet, out int plain));
            Assert.True(RtpPacketReader.TryParse(packet.Slice(0, plain), out var r));
            Assert.Equal((byte)r.SequenceNumber, r.Payload[0]);
            received.Add(r.SequenceNumber);
            stats.OnPacket(r.SequenceNumber, r.Timestamp, now);
            nack.OnPacket(r.SequenceNumber, now);
        }
    }

    [Fact]
    public void RoundTripTime_FromReportBlock()
    {
        ulong srNtp = NtpTime.FromUnixMilliseconds(1_000_000);
        uint lsr = NtpTime.Middle32(srNtp);
        var block = new ReportBlock(1, 0, 0, 0, 0, lsr, 65536 / 2); // peer held it 500 ms
        Assert.True(RoundTripTime.TryCompute(block, NtpTime.FromUnixMilliseconds(1_000_000 + 540), out double rtt));
        Assert.InRange(rtt, 39.9, 40.1);
        Assert.False(RoundTripTime.TryCompute(block with { LastSenderReport = 0 }, 0, out _));
    }

    [Fact]
    public void NtpTime_RoundTripsUnixMilliseconds()
    {
        ulong ntp = NtpTime.FromUnixMilliseconds(1_700_000_000_123);
        Assert.Equal(1_700_000_000_123, NtpTime.ToUnixMilliseconds(ntp));
        Assert.Equal((ulong)(1_700_000_000 + NtpTime.UnixEpochOffsetSeconds), ntp >> 32);
    }

    [Fact]
    public void SendStatistics_ExtrapolatesRtpTimestamp()
    {
        var s = new RtpSendStatistics(1);
        Assert.False(s.HasSent);
        s.OnPacketSent(1000, 90000, 1000);
        s.OnPacketSent(500, 90000, 1005);
        Assert.Equal(2u, s.PacketCount);
        Assert.Equal(1500u, s.OctetCount);
        Assert.Equal(90000u + 9000, s.RtpTimestampAt(1105));
    }
}
