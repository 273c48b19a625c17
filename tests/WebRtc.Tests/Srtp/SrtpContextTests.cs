using System.Buffers.Binary;
using WebRtcBridge.WebRtc.Srtp;

namespace WebRtcBridge.WebRtc.Tests.Srtp;

public class SrtpContextTests
{
    public static TheoryData<SrtpProtectionProfile> Profiles => new()
    {
        SrtpProtectionProfile.AesCm128HmacSha1_80,
        SrtpProtectionProfile.AeadAes128Gcm,
    };

    private static (SrtpContext tx, SrtpContext rx) Pair(SrtpProtectionProfile profile, int window = 1024)
    {
        var info = SrtpProfileInfo.For(profile);
        var key = new byte[info.KeyLength];
        var salt = new byte[info.SaltLength];
        new Random(7).NextBytes(key);
        new Random(8).NextBytes(salt);
        var options = new SrtpContextOptions { ReplayWindowSize = window };
        return (new SrtpContext(profile, key, salt, options), new SrtpContext(profile, key, salt, options));
    }

    private static byte[] Rtp(ushort seq, uint ssrc = 0x11223344, int payload = 100, byte fill = 0x5A)
    {
        var p = new byte[12 + payload + 16];
        p[0] = 0x80; p[1] = 96;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(2), seq);
        BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(4), seq * 3000u);
        BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(8), ssrc);
        p.AsSpan(12, payload).Fill(fill);
        return p;
    }

    private static int Protect(SrtpContext tx, byte[] buf, int plainLength)
    {
        Assert.True(tx.TryProtectRtp(buf, plainLength, out int n));
        return n;
    }

    [Theory, MemberData(nameof(Profiles))]
    public void Rollover_From65500_PastWrap_RocIncrementsOnBothSides(SrtpProtectionProfile profile)
    {
        var (tx, rx) = Pair(profile);
        using var d1 = tx; using var d2 = rx;
        int count = 200; // 65500 .. 65535, then 0 .. 163
        for (int i = 0; i < count; i++)
        {
            ushort seq = (ushort)(65500 + i);
            var buf = Rtp(seq, fill: (byte)i);
            var plain = buf.AsSpan(0, 112).ToArray();
            int n = Protect(tx, buf, 112);
            Assert.True(rx.TryUnprotectRtp(buf.AsSpan(0, n), out int m), $"seq {seq}");
            Assert.Equal(plain, buf.AsSpan(0, m).ToArray());
        }
        Assert.True(tx.TryGetRolloverCounter(0x11223344, out uint txRoc));
        Assert.True(rx.TryGetRolloverCounter(0x11223344, out uint rxRoc));
        Assert.Equal(1u, txRoc);
        Assert.Equal(1u, rxRoc);
        Assert.Equal(0, rx.AuthFailures + rx.ReplayDrops + rx.MalformedDrops);
    }

    [Theory, MemberData(nameof(Profiles))]
    public void Rollover_ReorderedAcrossWrap_OldPacketUsesOldRoc(SrtpProtectionProfile profile)
    {
        var (tx, rx) = Pair(profile);
        using var d1 = tx; using var d2 = rx;
        var packets = new List<byte[]>();
        for (int i = 0; i < 10; i++)
        {
            var buf = Rtp((ushort)(65530 + i));
            int n = Protect(tx, buf, 112);
            packets.Add(buf.AsSpan(0, n).ToArray());
        }
        // Deliver 65530..65533, then 0..3 (after the wrap), then the late 65534/65535.
        foreach (int i in new[] { 0, 1, 2, 3, 6, 7, 8, 9, 4, 5 })
            Assert.True(rx.TryUnprotectRtp(packets[i], out _), $"packet {i}");
        Assert.True(rx.TryGetRolloverCounter(0x11223344, out uint roc));
        Assert.Equal(1u, roc);
    }

    [Theory, MemberData(nameof(Profiles))]
    public void Retransmission_OfPacketFromBeforeWrap_IsProtectedWithItsOldRoc(SrtpProtectionProfile profile)
    {
        var (tx, rx) = Pair(profile);
        using var d1 = tx; using var d2 = rx;
        var first = Rtp(65534);
        int n0 = Protect(tx, first, 112);
        var original = Rtp(65535);
        var again = (byte[])original.Clone();
        int n = Protect(tx, original, 112); // lost on the way
        var after = Rtp(2);
        int n2 = Protect(tx, after, 112);
        int n3 = Protect(tx, again, 112); // resend of 65535 after the sender wrapped: must use ROC 0 again
        Assert.Equal(original.AsSpan(0, n).ToArray(), again.AsSpan(0, n3).ToArray());
        Assert.True(rx.TryUnprotectRtp(first.AsSpan(0, n0), out _));
        Assert.True(rx.TryUnprotectRtp(after.AsSpan(0, n2), out _));
        Assert.True(rx.TryUnprotectRtp(again.AsSpan(0, n3), out _));
        Assert.True(rx.TryGetRolloverCounter(0x11223344, out uint roc));
        Assert.Equal(1u, roc);
    }

    [Theory, MemberData(nameof(Profiles))]
    public void Replay_DuplicateIsRejectedAndCounted(SrtpProtectionProfile profile)
    {
        var (tx, rx) = Pair(profile);
        using var d1 = tx; using var d2 = rx;
        var buf = Rtp(1000);
        int n = Protect(tx, buf, 112);
        var copy = buf.AsSpan(0, n).ToArray();
        Assert.True(rx.TryUnprotectRtp(buf.AsSpan(0, n), out _));
        Assert.False(rx.TryUnprotectRtp(copy, out int len));
        Assert.Equal(0, len);
        Assert.Equal(1, rx.ReplayDrops);
        Assert.Equal(0, rx.AuthFailures);
    }

    [Theory, MemberData(nameof(Profiles))]
    public void Replay_OlderThanWindowIsRejected_WithinWindowReorderAccepted(SrtpProtectionProfile profile)
    {
        var (tx, rx) = Pair(profile);
        using var d1 = tx; using var d2 = rx;
        var old = Rtp(100); int nOld = Protect(tx, old, 112);
        var inWindow = Rtp(200); int nIn = Protect(tx, inWindow, 112);
        var newest = Rtp(100 + 1024 + 5); int nNew = Protect(tx, newest, 112);
        Assert.True(rx.TryUnprotectRtp(newest.AsSpan(0, nNew), out _));
        // 1129 - 200 = 929 < 1024: late but inside the window.
        Assert.True(rx.TryUnprotectRtp(inWindow.AsSpan(0, nIn), out _));
        // 1129 - 100 = 1029 >= 1024: too old.
        Assert.False(rx.TryUnprotectRtp(old.AsSpan(0, nOld), out _));
        Assert.Equal(1, rx.ReplayDrops);
    }

    [Theory, MemberData(nameof(Profiles))]
    public void Reorder_WithinWindow_AllAccepted(SrtpProtectionProfile profile)
    {
        var (tx, rx) = Pair(profile);
        using var d1 = tx; using var d2 = rx;
        var packets = new byte[300][];
        for (int i = 0; i < packets.Length; i++)
        {
            var b = Rtp((ushort)(5000 + i));
            packets[i] = b.AsSpan(0, Protect(tx, b, 112)).ToArray();
        }
        var order = Enumerable.Range(0, packets.Length).ToArray();
        new Random(3).Shuffle(order);
        foreach (int i in order) Assert.True(rx.TryUnprotectRtp(packets[i], out _), $"packet {i}");
        Assert.Equal(0, rx.ReplayDrops + rx.AuthFailures);
    }

    [Theory, MemberData(nameof(Profiles))]
    public void AuthFailure_IsCounted_AndDoesNotPoisonReplayWindow(SrtpProtectionProfile profile)
    {
        var (tx, rx) = Pair(profile);
        using var d1 = tx; using var d2 = rx;
        var buf = Rtp(42);
        int n = Protect(tx, buf, 112);
        var good = buf.AsSpan(0, n).ToArray();
        buf[20] ^= 0x01;
        Assert.False(rx.TryUnprotectRtp(buf.AsSpan(0, n), out _));
        Assert.Equal(1, rx.AuthFailures);
        Assert.True(rx.TryUnprotectRtp(good, out _)); // the forged copy did not mark seq 42 as seen
    }

    [Theory, MemberData(nameof(Profiles))]
    public void Rtcp_RoundTrip_ReplayAndAuthFailure(SrtpProtectionProfile profile)
    {
        var (tx, rx) = Pair(profile);
        using var d1 = tx; using var d2 = rx;
        var rtcp = Convert.FromHexString("81c9000712345678" + "cafebabe" + "00000000" + "00000001" + "00000000" + "00000000" + "00000000");
        var pkts = new List<byte[]>();
        for (int i = 0; i < 3; i++)
        {
            var b = new byte[rtcp.Length + tx.RtcpOverhead];
            rtcp.CopyTo(b, 0);
            Assert.True(tx.TryProtectRtcp(b, rtcp.Length, out int n));
            pkts.Add(b.AsSpan(0, n).ToArray());
        }
        Assert.Equal(3u, tx.NextSrtcpIndex);
        var dup = (byte[])pkts[1].Clone();
        var bad = (byte[])pkts[2].Clone(); bad[10] ^= 0x80;
        Assert.True(rx.TryUnprotectRtcp(pkts[1], out int m));
        Assert.Equal(rtcp, pkts[1].AsSpan(0, m).ToArray());
        Assert.True(rx.TryUnprotectRtcp(pkts[0], out _)); // reordered, inside the window
        Assert.False(rx.TryUnprotectRtcp(dup, out _));
        Assert.False(rx.TryUnprotectRtcp(bad, out _));
        Assert.Equal(1, rx.ReplayDrops);
        Assert.Equal(1, rx.AuthFailures);
    }

    [Fact]
    public void Rtcp_UnencryptedSrtcp_EBitZero_IsAuthenticatedAndAccepted_AesCm()
    {
        // Build an E=0 packet by hand with the derived RTCP auth key (RFC 3711 §3.4).
        var key = Convert.FromHexString("E1F97A0D3E018BE0D64FA32C06DE4139");
        var salt = Convert.FromHexString("0EC675AD498AFEEBB6960B3AABE6");
        var keys = SrtpKeyDerivation.DeriveSessionKeys(SrtpProtectionProfile.AesCm128HmacSha1_80, key, salt);
        var rtcp = Convert.FromHexString("81c8000bcafebabeabababababababababababababababab00000007");
        var mac = System.Security.Cryptography.HMACSHA1.HashData(keys.RtcpAuthenticationKey, rtcp);
        var packet = rtcp.Concat(mac.Take(10)).ToArray();
        using var rx = new SrtpContext(SrtpProtectionProfile.AesCm128HmacSha1_80, key, salt);
        Assert.True(rx.TryUnprotectRtcp(packet, out int m));
        Assert.Equal(rtcp.AsSpan(0, rtcp.Length - 4).ToArray(), packet.AsSpan(0, m).ToArray());
    }

    [Theory, MemberData(nameof(Profiles))]
    public void Mutation_RandomCorruption_NeverThrows_AlwaysCountedAsDropped(SrtpProtectionProfile profile)
    {
        var (tx, rx) = Pair(profile);
        using var d1 = tx; using var d2 = rx;
        var rnd = new Random(12345);
        var rtpPackets = new List<byte[]>();
        var rtcpPackets = new List<byte[]>();
        for (int i = 0; i < 64; i++)
        {
            var b = Rtp((ushort)(60000 + i * 97), payload: 20 + i * 7);
            rtpPackets.Add(b.AsSpan(0, Protect(tx, b, 12 + 20 + i * 7)).ToArray());
            var r = new byte[28 + tx.RtcpOverhead];
            Convert.FromHexString("81c9000612345678cafebabe00000000000000010000000000000000").CopyTo(r, 0);
            Assert.True(tx.TryProtectRtcp(r, 28, out int rn));
            rtcpPackets.Add(r.AsSpan(0, rn).ToArray());
        }
        int accepted = 0, calls = 0;
        for (int iter = 0; iter < 3000; iter++)
        {
            bool rtcp = (iter & 1) == 1;
            var src = rtcp ? rtcpPackets[rnd.Next(rtcpPackets.Count)] : rtpPackets[rnd.Next(rtpPackets.Count)];
            var m = Mutate(src, rnd);
            calls++;
            bool ok = rtcp ? rx.TryUnprotectRtcp(m, out _) : rx.TryUnprotectRtp(m, out _);
            if (ok) accepted++;
        }
        // A corrupted packet that still authenticates is cryptographically negligible; every call is accounted for.
        Assert.Equal(0, accepted);
        Assert.Equal(calls, rx.AuthFailures + rx.ReplayDrops + rx.MalformedDrops);
        Assert.True(rx.AuthFailures > 0 && rx.MalformedDrops > 0);
    }

    /// <summary>A copy of <paramref name="src"/> that always differs from it (bit flips, truncation, header bytes, garbage tail).</summary>
    internal static byte[] Mutate(byte[] src, Random rnd)
    {
        var m = MutateOnce(src, rnd);
        if (m.AsSpan().SequenceEqual(src)) m[rnd.Next(m.Length)] ^= 0x01;
        return m;
    }

    private static byte[] MutateOnce(byte[] src, Random rnd)
    {
        var m = (byte[])src.Clone();
        switch (rnd.Next(4))
        {
            case 0: // flip 1-4 random bits
                for (int k = rnd.Next(1, 5); k > 0; k--) m[rnd.Next(m.Length)] ^= (byte)(1 << rnd.Next(8));
                return m;
            case 1: // truncate
                return m.AsSpan(0, rnd.Next(m.Length)).ToArray();
            case 2: // random bytes in the header area (CC, X, length fields)
                m[rnd.Next(Math.Min(16, m.Length))] = (byte)rnd.Next(256);
                m[rnd.Next(m.Length)] ^= 0xFF;
                return m;
            default: // extend with garbage
                var e = new byte[m.Length + rnd.Next(1, 40)];
                m.CopyTo(e, 0);
                rnd.NextBytes(e.AsSpan(m.Length));
                return e;
        }
    }

    [Theory, MemberData(nameof(Profiles))]
    public void Protect_FailsWithoutRoomForTag_AndOnNonRtp(SrtpProtectionProfile profile)
    {
        var (tx, _) = Pair(profile);
        using var d1 = tx;
        var buf = Rtp(1, payload: 10);
        Assert.False(tx.TryProtectRtp(buf.AsSpan(0, 22 + tx.RtpOverhead - 1), 22, out _));
        buf[0] = 0x40; // version 1
        Assert.False(tx.TryProtectRtp(buf, 22, out _));
        Assert.Equal(2, tx.MalformedDrops);
    }

    [Fact]
    public void MaxStreams_EvictsLeastRecentlyUsedSsrc()
    {
        var key = new byte[16]; var salt = new byte[14];
        var options = new SrtpContextOptions { MaxStreams = 2 };
        using var tx = new SrtpContext(SrtpProtectionProfile.AesCm128HmacSha1_80, key, salt, options);
        using var rx = new SrtpContext(SrtpProtectionProfile.AesCm128HmacSha1_80, key, salt, options);
        ushort seq = 10;
        foreach (uint ssrc in new uint[] { 1, 2, 1, 3 })
        {
            var b = Rtp(seq++, ssrc);
            Assert.True(rx.TryUnprotectRtp(b.AsSpan(0, Protect(tx, b, 112)), out _));
        }
        Assert.Equal(1, rx.StreamEvictions);
        Assert.True(rx.TryGetRolloverCounter(1, out _));
        Assert.False(rx.TryGetRolloverCounter(2, out _));
        Assert.True(rx.TryGetRolloverCounter(3, out _));
    }

    [Theory, MemberData(nameof(Profiles))]
    public void PerPacketPath_DoesNotAllocate(SrtpProtectionProfile profile)
    {
        var (tx, rx) = Pair(profile);
        using var d1 = tx; using var d2 = rx;
        var buf = new byte[1200 + 16];
        var rtcp = new byte[28 + 20];
        void Once(int i)
        {
            buf[0] = 0x80; buf[1] = 96;
            BinaryPrimitives.WriteUInt16BigEndian(buf.AsSpan(2), (ushort)i);
            BinaryPrimitives.WriteUInt32BigEndian(buf.AsSpan(8), 0xABCDEF01);
            tx.TryProtectRtp(buf, 1200, out int n);
            rx.TryUnprotectRtp(buf.AsSpan(0, n), out _);
            rtcp[0] = 0x81; rtcp[1] = 201; rtcp[3] = 6;
            tx.TryProtectRtcp(rtcp, 28, out int rn);
            rx.TryUnprotectRtcp(rtcp.AsSpan(0, rn), out _);
        }
        for (int i = 0; i < 200; i++) Once(i);
        int next = 200;
        long allocated = WebRtcBridge.WebRtc.Tests.Rtp.AllocationProbe.MinAllocatedBytes(() => { for (int k = 0; k < 500; k++) Once(next++); });
        Assert.Equal(0, rx.AuthFailures + rx.ReplayDrops + rx.MalformedDrops);
        Assert.True(allocated == 0, $"{allocated} bytes allocated for 500 packets");
    }
}
