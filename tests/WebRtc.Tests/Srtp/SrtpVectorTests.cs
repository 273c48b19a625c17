using WebRtcBridge.WebRtc.Srtp;

namespace WebRtcBridge.WebRtc.Tests.Srtp;

/// <summary>The vectors of docs/webrtc-stack.md#srtp: RFC 3711 B.2/B.3, libsrtp srtp_validate(_gcm), RFC 7714 §16.1.1/§17.1.</summary>
public class SrtpVectorTests
{
    private static byte[] H(string hex) => Convert.FromHexString(hex.Replace(" ", "").Replace("|", ""));

    private static readonly byte[] B3MasterKey = H("E1F97A0D3E018BE0D64FA32C06DE4139");
    private static readonly byte[] B3MasterSalt = H("0EC675AD498AFEEBB6960B3AABE6");

    [Theory]
    [InlineData(0x0000u, "E03EAD0935C95E80E166B16DD92B4EB4")]
    [InlineData(0x0001u, "D23513162B02D0F72A43A2FE4A5F97AB")]
    [InlineData(0x0002u, "41E95B3BB0A2E8DD477901E4FCA894C0")]
    [InlineData(0xFEFFu, "EC8CDF7398607CB0F2D21675EA9EA1E4")]
    [InlineData(0xFF00u, "362B7C3C6773516318A077D7FC5073AE")]
    [InlineData(0xFF01u, "6A2CC3787889374FBEB4C81B17BA6C44")]
    public void Rfc3711_B2_AesCmKeystream(uint block, string expected)
    {
        using var cm = new AesCounterModeCipher(H("2B7E151628AED2A6ABF7158809CF4F3C"));
        var ks = new byte[16];
        cm.Transform(H("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000"), ks, block);
        Assert.Equal(expected, Convert.ToHexString(ks));
    }

    [Fact]
    public void Rfc3711_B2_KeystreamIsContinuousAcrossChunks()
    {
        // 1 100 blocks spans several internal chunks; block 0xFEFF of a long run must equal the single-block result.
        using var cm = new AesCounterModeCipher(H("2B7E151628AED2A6ABF7158809CF4F3C"));
        var ks = new byte[16 * 0x0110];
        cm.Transform(H("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000"), ks, 0xFE00);
        Assert.Equal("EC8CDF7398607CB0F2D21675EA9EA1E4", Convert.ToHexString(ks, 0xFF * 16, 16));
        Assert.Equal("362B7C3C6773516318A077D7FC5073AE", Convert.ToHexString(ks, 0x100 * 16, 16));
        Assert.Equal("6A2CC3787889374FBEB4C81B17BA6C44", Convert.ToHexString(ks, 0x101 * 16, 16));
    }

    [Fact]
    public void Rfc3711_B3_KeyDerivation()
    {
        var enc = new byte[16];
        SrtpKeyDerivation.Derive(B3MasterKey, B3MasterSalt, 0, enc);
        Assert.Equal("C61E7A93744F39EE10734AFE3FF7A087", Convert.ToHexString(enc));
        var salt = new byte[14];
        SrtpKeyDerivation.Derive(B3MasterKey, B3MasterSalt, 2, salt);
        Assert.Equal("30CBBC08863D8C85D49DB34A9AE1", Convert.ToHexString(salt));
        var auth94 = new byte[94];
        SrtpKeyDerivation.Derive(B3MasterKey, B3MasterSalt, 1, auth94);
        Assert.Equal("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA48F0A0ACF3C34E2359E6CDBCEE049646C43D9327AD175578EF72270986371C10C9A369AC2F94A8C5FBCDDDC256D6E919A48B610EF17C2041E474035766B68642C59BBFC2F34DB60DBDFB2",
            Convert.ToHexString(auth94));
    }

    [Fact]
    public void Rfc3711_B3_SessionKeysForBothRtpAndRtcp()
    {
        var keys = SrtpKeyDerivation.DeriveSessionKeys(SrtpProtectionProfile.AesCm128HmacSha1_80, B3MasterKey, B3MasterSalt);
        Assert.Equal("C61E7A93744F39EE10734AFE3FF7A087", Convert.ToHexString(keys.RtpEncryptionKey));
        Assert.Equal("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4", Convert.ToHexString(keys.RtpAuthenticationKey));
        Assert.Equal("30CBBC08863D8C85D49DB34A9AE1", Convert.ToHexString(keys.RtpSalt));
        Assert.Equal("4C1AA45A81F73D61C800BBB00FBB1EAA", Convert.ToHexString(keys.RtcpEncryptionKey));
        Assert.Equal("8D54534FEB49AE8E7993A6BD0B844FC323A93DFD", Convert.ToHexString(keys.RtcpAuthenticationKey));
        Assert.Equal("9581C7AD87B3E530BF3E4454A8B3", Convert.ToHexString(keys.RtcpSalt));
    }

    [Fact]
    public void Libsrtp_AesCm80_RtpPacket()
    {
        var plain = H("800f1234decafbadcafebabe abababababababababababababababab");
        var expected = H("800f1234decafbadcafebabe 4e55dc4ce79978d88ca4d215949d2402 b78d6acc99ea179b8dbb");
        using var tx = new SrtpContext(SrtpProtectionProfile.AesCm128HmacSha1_80, B3MasterKey, B3MasterSalt);
        var buf = new byte[plain.Length + tx.RtpOverhead];
        plain.CopyTo(buf, 0);
        Assert.True(tx.TryProtectRtp(buf, plain.Length, out int n));
        Assert.Equal(expected, buf.AsSpan(0, n).ToArray());

        using var rx = new SrtpContext(SrtpProtectionProfile.AesCm128HmacSha1_80, B3MasterKey, B3MasterSalt);
        Assert.True(rx.TryUnprotectRtp(buf.AsSpan(0, n), out int m));
        Assert.Equal(plain, buf.AsSpan(0, m).ToArray());
    }

    [Fact]
    public void Libsrtp_AesCm80_RtcpPacket()
    {
        var plain = H("81c8000bcafebabe abababababababababababababababab");
        var expected = H("81c8000bcafebabe 7128035be487b9bdbef89041f977a5a8 80000001 993e08cd54d6c1230798");
        using var tx = new SrtpContext(SrtpProtectionProfile.AesCm128HmacSha1_80, B3MasterKey, B3MasterSalt) { NextSrtcpIndex = 1 };
        var buf = new byte[plain.Length + tx.RtcpOverhead];
        plain.CopyTo(buf, 0);
        Assert.True(tx.TryProtectRtcp(buf, plain.Length, out int n));
        Assert.Equal(expected, buf.AsSpan(0, n).ToArray());

        using var rx = new SrtpContext(SrtpProtectionProfile.AesCm128HmacSha1_80, B3MasterKey, B3MasterSalt);
        Assert.True(rx.TryUnprotectRtcp(buf.AsSpan(0, n), out int m));
        Assert.Equal(plain, buf.AsSpan(0, m).ToArray());
    }

    private static SrtpSessionKeys Rfc7714Keys()
    {
        var key = H("000102030405060708090a0b0c0d0e0f");
        var salt = H("517569642070726f2071756f");
        return new SrtpSessionKeys(key, [], salt, key, [], salt);
    }

    [Fact]
    public void Rfc7714_16_1_1_GcmRtp()
    {
        var plain = H("8040f17b8041f8d35501a0b2 47616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573");
        var expected = H("8040f17b8041f8d35501a0b2 f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833 899d7f27beb16a9152cf765ee4390cce");
        using var tx = new SrtpContext(SrtpProtectionProfile.AeadAes128Gcm, Rfc7714Keys());
        var buf = new byte[plain.Length + tx.RtpOverhead];
        plain.CopyTo(buf, 0);
        Assert.True(tx.TryProtectRtp(buf, plain.Length, out int n));
        Assert.Equal(expected, buf.AsSpan(0, n).ToArray());

        using var rx = new SrtpContext(SrtpProtectionProfile.AeadAes128Gcm, Rfc7714Keys());
        Assert.True(rx.TryUnprotectRtp(buf.AsSpan(0, n), out int m));
        Assert.Equal(plain, buf.AsSpan(0, m).ToArray());
    }

    [Fact]
    public void Rfc7714_17_1_GcmRtcp()
    {
        var plain = H("81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61deadbeefdeadbeefdeadbeefdeadbeefdeadbeef");
        var expected = H("81c8000d4d61727363e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32dc676a5f1730d6fda4ce09b4686303ded0bb9275bc84aa45896cf4d2fc5abf87245d9eade800005d4");
        Assert.Equal(72, expected.Length);
        using var tx = new SrtpContext(SrtpProtectionProfile.AeadAes128Gcm, Rfc7714Keys()) { NextSrtcpIndex = 0x5d4 };
        var buf = new byte[plain.Length + tx.RtcpOverhead];
        plain.CopyTo(buf, 0);
        Assert.True(tx.TryProtectRtcp(buf, plain.Length, out int n));
        Assert.Equal(expected, buf.AsSpan(0, n).ToArray());

        using var rx = new SrtpContext(SrtpProtectionProfile.AeadAes128Gcm, Rfc7714Keys());
        Assert.True(rx.TryUnprotectRtcp(buf.AsSpan(0, n), out int m));
        Assert.Equal(plain, buf.AsSpan(0, m).ToArray());
    }

    private static readonly byte[] GcmMasterKey = H("000102030405060708090a0b0c0d0e0f");
    private static readonly byte[] GcmMasterSalt = H("a0a1a2a3a4a5a6a7a8a9aaab");

    [Fact]
    public void Libsrtp_Gcm_KeyDerivationWithTwelveByteSalt()
    {
        var keys = SrtpKeyDerivation.DeriveSessionKeys(SrtpProtectionProfile.AeadAes128Gcm, GcmMasterKey, GcmMasterSalt);
        Assert.Equal("077C6143CB221BC355FF23D5F984A16E", Convert.ToHexString(keys.RtpEncryptionKey));
        Assert.Equal("9AF3E95364EBAC9C99C5A7C4", Convert.ToHexString(keys.RtpSalt));
        Assert.Empty(keys.RtpAuthenticationKey);
    }

    [Fact]
    public void Libsrtp_Gcm_RtpPacket()
    {
        var plain = H("800f1234decafbadcafebabeabababababababababababababababab");
        var expected = H("800f1234decafbadcafebabe c5002ede04cfdd2eb91159e0880aa06ed2976826f796b201df3131a127e8a392");
        using var tx = new SrtpContext(SrtpProtectionProfile.AeadAes128Gcm, GcmMasterKey, GcmMasterSalt);
        var buf = new byte[plain.Length + tx.RtpOverhead];
        plain.CopyTo(buf, 0);
        Assert.True(tx.TryProtectRtp(buf, plain.Length, out int n));
        Assert.Equal(expected, buf.AsSpan(0, n).ToArray());

        using var rx = new SrtpContext(SrtpProtectionProfile.AeadAes128Gcm, GcmMasterKey, GcmMasterSalt);
        Assert.True(rx.TryUnprotectRtp(buf.AsSpan(0, n), out int m));
        Assert.Equal(plain, buf.AsSpan(0, m).ToArray());
    }

    [Fact]
    public void Libsrtp_Gcm_RtcpPacket()
    {
        var plain = H("81c8000bcafebabeabababababababababababababababab");
        var expected = H("81c8000bcafebabe c98b8b5df0392a55852b6c21ac8e7025 c52c6fbea2b3b446ea31123ba88ce61e 80000001");
        using var tx = new SrtpContext(SrtpProtectionProfile.AeadAes128Gcm, GcmMasterKey, GcmMasterSalt) { NextSrtcpIndex = 1 };
        var buf = new byte[plain.Length + tx.RtcpOverhead];
        plain.CopyTo(buf, 0);
        Assert.True(tx.TryProtectRtcp(buf, plain.Length, out int n));
        Assert.Equal(expected, buf.AsSpan(0, n).ToArray());

        using var rx = new SrtpContext(SrtpProtectionProfile.AeadAes128Gcm, GcmMasterKey, GcmMasterSalt);
        Assert.True(rx.TryUnprotectRtcp(buf.AsSpan(0, n), out int m));
        Assert.Equal(plain, buf.AsSpan(0, m).ToArray());
    }
}
