namespace WebRtcBridge.WebRtc.Srtp;

/// <summary>SRTP key derivation, RFC 3711 §4.3.1 with key_derivation_rate 0 (the AES-CM PRF keyed with the master key).</summary>
public static class SrtpKeyDerivation
{
    /// <summary>Label for the SRTP encryption key (RFC 3711 §4.3.1).</summary>
    public const byte RtpEncryption = 0x00;
    /// <summary>Label for the SRTP authentication key.</summary>
    public const byte RtpAuthentication = 0x01;
    /// <summary>Label for the SRTP salt.</summary>
    public const byte RtpSalt = 0x02;
    /// <summary>Label for the SRTCP encryption key (RFC 3711 §4.3.2).</summary>
    public const byte RtcpEncryption = 0x03;
    /// <summary>Label for the SRTCP authentication key.</summary>
    public const byte RtcpAuthentication = 0x04;
    /// <summary>Label for the SRTCP salt.</summary>
    public const byte RtcpSalt = 0x05;

    /// <summary>
    /// Fills <paramref name="output"/> with the session key material for <paramref name="label"/>:
    /// x = master_salt XOR (label at byte 7), IV = x || 0x0000, output = AES-CM keystream.
    /// A 12-byte (GCM) master salt is zero-padded to 14 bytes first, as libsrtp does.
    /// </summary>
    public static void Derive(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, byte label, Span<byte> output)
    {
        if (masterSalt.Length > 14) throw new ArgumentException("master salt longer than 14 bytes", nameof(masterSalt));
        using var prf = new AesCounterModeCipher(masterKey);
        Derive(prf, masterSalt, label, output);
    }

    private static void Derive(AesCounterModeCipher prf, ReadOnlySpan<byte> masterSalt, byte label, Span<byte> output)
    {
        Span<byte> iv = stackalloc byte[16];
        iv.Clear();
        masterSalt.CopyTo(iv);
        iv[7] ^= label; // key_id = label || r with r = 0 (KDR = 0), aligned to the low end of the 112-bit salt
        output.Clear();
        prf.Transform(iv, output);
    }

    /// <summary>Derives every session key and salt that <paramref name="profile"/> needs from a master key and salt.</summary>
    public static SrtpSessionKeys DeriveSessionKeys(SrtpProtectionProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
    {
        var info = SrtpProfileInfo.For(profile);
        if (masterKey.Length != info.KeyLength) throw new ArgumentException($"master key must be {info.KeyLength} bytes", nameof(masterKey));
        if (masterSalt.Length != info.SaltLength) throw new ArgumentException($"master salt must be {info.SaltLength} bytes", nameof(masterSalt));
        using var prf = new AesCounterModeCipher(masterKey);
        byte[] salt = masterSalt.ToArray();
        byte[] Make(byte label, int length)
        {
            var b = new byte[length];
            if (length > 0)
            {
                // Salts are derived at 14 bytes and truncated for GCM (RFC 7714 §11, libsrtp behaviour).
                Span<byte> tmp = stackalloc byte[Math.Max(length, 14)];
                Derive(prf, salt, label, tmp);
                tmp.Slice(0, length).CopyTo(b);
            }
            return b;
        }
        return new SrtpSessionKeys(
            Make(RtpEncryption, info.KeyLength), Make(RtpAuthentication, info.AuthKeyLength), Make(RtpSalt, info.SaltLength),
            Make(RtcpEncryption, info.KeyLength), Make(RtcpAuthentication, info.AuthKeyLength), Make(RtcpSalt, info.SaltLength));
    }
}
