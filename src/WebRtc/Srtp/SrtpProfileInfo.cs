namespace WebRtcBridge.WebRtc.Srtp;

/// <summary>Key, salt and tag sizes of an <see cref="SrtpProtectionProfile"/> (RFC 5764 §4.1.2, RFC 7714 §14.2).</summary>
public readonly struct SrtpProfileInfo
{
    /// <summary>Master (and session) encryption key length in bytes.</summary>
    public int KeyLength { get; }

    /// <summary>Master (and session) salt length in bytes: 14 for AES-CM, 12 for GCM.</summary>
    public int SaltLength { get; }

    /// <summary>Authentication tag appended to SRTP packets: 10 (HMAC-SHA1-80) or 16 (GCM).</summary>
    public int RtpTagLength { get; }

    /// <summary>Bytes added to an SRTCP packet: E|index (4) plus the tag.</summary>
    public int RtcpTrailerLength { get; }

    /// <summary>HMAC-SHA1 session auth key length (20) or 0 for AEAD.</summary>
    public int AuthKeyLength { get; }

    /// <summary>True for AEAD_AES_128_GCM.</summary>
    public bool IsAead { get; }

    private SrtpProfileInfo(int key, int salt, int tag, int rtcpTrailer, int authKey, bool aead)
    {
        KeyLength = key; SaltLength = salt; RtpTagLength = tag; RtcpTrailerLength = rtcpTrailer;
        AuthKeyLength = authKey; IsAead = aead;
    }

    /// <summary>Sizes for <paramref name="profile"/>; throws for an unknown profile.</summary>
    public static SrtpProfileInfo For(SrtpProtectionProfile profile) => profile switch
    {
        SrtpProtectionProfile.AesCm128HmacSha1_80 => new(16, 14, 10, 14, 20, false),
        SrtpProtectionProfile.AeadAes128Gcm => new(16, 12, 16, 20, 0, true),
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, "unsupported SRTP profile"),
    };
}
