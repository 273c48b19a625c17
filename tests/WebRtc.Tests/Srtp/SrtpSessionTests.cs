using WebRtcBridge.WebRtc.Srtp;

namespace WebRtcBridge.WebRtc.Tests.Srtp;

public class SrtpSessionTests
{
    [Theory]
    [InlineData(SrtpProtectionProfile.AesCm128HmacSha1_80, 60)]
    [InlineData(SrtpProtectionProfile.AeadAes128Gcm, 56)]
    public void KeyingMaterialLength_PerProfile(SrtpProtectionProfile profile, int expected)
        => Assert.Equal(expected, SrtpSession.GetKeyingMaterialLength(profile));

    [Theory]
    [InlineData(SrtpProtectionProfile.AesCm128HmacSha1_80)]
    [InlineData(SrtpProtectionProfile.AeadAes128Gcm)]
    public void ClientAndServerSessions_FromSameMaterial_TalkToEachOther(SrtpProtectionProfile profile)
    {
        var material = new byte[SrtpSession.GetKeyingMaterialLength(profile)];
        new Random(5).NextBytes(material);
        using var client = SrtpSession.Create(profile, material, localIsDtlsClient: true);
        using var server = SrtpSession.Create(profile, material, localIsDtlsClient: false);
        var rtp = Convert.FromHexString("800f1234decafbadcafebabe" + "abababababababababababababababab" + new string('0', 32));
        var plain = rtp.AsSpan(0, 28).ToArray();
        Assert.True(client.Outbound.TryProtectRtp(rtp, 28, out int n));
        var copy = rtp.AsSpan(0, n).ToArray();
        Assert.True(server.Inbound.TryUnprotectRtp(rtp.AsSpan(0, n), out int m));
        Assert.Equal(plain, rtp.AsSpan(0, m).ToArray());
        // The client's own inbound context uses the server keys, so it must reject the client's packet.
        Assert.False(client.Inbound.TryUnprotectRtp(copy, out _));
        Assert.Equal(1, client.Inbound.AuthFailures);
    }

    [Fact]
    public void ClientWriteKey_IsTheFirstKeyInTheMaterial()
    {
        // RFC 5764 §4.2 order: client key | server key | client salt | server salt.
        var material = new byte[60];
        for (int i = 0; i < 60; i++) material[i] = (byte)i;
        using var session = SrtpSession.Create(SrtpProtectionProfile.AesCm128HmacSha1_80, material, localIsDtlsClient: true);
        using var reference = new SrtpContext(SrtpProtectionProfile.AesCm128HmacSha1_80, material.AsSpan(0, 16), material.AsSpan(32, 14));
        var a = Convert.FromHexString("800f1234decafbadcafebabeabababababababababababababababab" + new string('0', 20));
        var b = (byte[])a.Clone();
        Assert.True(session.Outbound.TryProtectRtp(a, 28, out int n1));
        Assert.True(reference.TryProtectRtp(b, 28, out int n2));
        Assert.Equal(b.AsSpan(0, n2).ToArray(), a.AsSpan(0, n1).ToArray());
    }

    [Fact]
    public void WrongMaterialLength_Throws()
        => Assert.Throws<ArgumentException>(() => SrtpSession.Create(SrtpProtectionProfile.AeadAes128Gcm, new byte[60], true));
}

public class SrtcpUnencryptedGcmTests
{
    [Fact]
    public void Gcm_EBitZero_WholePacketIsAad_Accepted_AndTamperRejected()
    {
        // RFC 7714 §9.2: unencrypted SRTCP: AAD = RTCP packet || E|index, empty plaintext; wire = packet || tag || E|index.
        var key = Convert.FromHexString("000102030405060708090a0b0c0d0e0f");
        var salt = Convert.FromHexString("517569642070726f2071756f");
        var keys = new SrtpSessionKeys(key, [], salt, key, [], salt);
        var rtcp = Convert.FromHexString("81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61deadbeefdeadbeefdeadbeefdeadbeefdeadbeef");
        uint index = 0x5d4;
        var eIndex = new byte[] { 0x00, 0x00, 0x05, 0xd4 };
        var iv = Convert.FromHexString("517524055203726f207170bb"); // the §17.1 IV for SSRC 4d617273, index 5d4
        var tag = new byte[16];
        using (var gcm = new System.Security.Cryptography.AesGcm(key, 16))
            gcm.Encrypt(iv, ReadOnlySpan<byte>.Empty, Span<byte>.Empty, tag, rtcp.Concat(eIndex).ToArray());
        var wire = rtcp.Concat(tag).Concat(eIndex).ToArray();
        var bad = (byte[])wire.Clone();
        bad[20] ^= 1;
        using var rx = new SrtpContext(SrtpProtectionProfile.AeadAes128Gcm, keys);
        Assert.False(rx.TryUnprotectRtcp(bad, out _));
        Assert.True(rx.TryUnprotectRtcp(wire, out int n));
        Assert.Equal(rtcp, wire.AsSpan(0, n).ToArray());
        Assert.Equal(1, rx.AuthFailures);
        Assert.Equal(0x5d4u, index);
    }
}
