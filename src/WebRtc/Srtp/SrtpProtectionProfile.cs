namespace WebRtcBridge.WebRtc.Srtp;

/// <summary>DTLS-SRTP protection profiles we negotiate, by their IANA ids (RFC 5764 §4.1.2, RFC 7714 §14.2).</summary>
public enum SrtpProtectionProfile : ushort
{
    /// <summary>SRTP_AES128_CM_HMAC_SHA1_80: 16-byte key, 14-byte salt, 10-byte tag (RFC 3711).</summary>
    AesCm128HmacSha1_80 = 0x0001,

    /// <summary>SRTP_AEAD_AES_128_GCM: 16-byte key, 12-byte salt, 16-byte tag (RFC 7714).</summary>
    AeadAes128Gcm = 0x0007,
}
