using WebRtcBridge.WebRtc.Srtp;

namespace WebRtcBridge.WebRtc.Dtls;

/// <summary>Maps <see cref="SrtpProtectionProfile"/> to OpenSSL names and key sizes (RFC 5764 §4.1.2, RFC 7714 §14.2).</summary>
public static class DtlsSrtpProfiles
{
    /// <summary>Our preference order: AEAD_AES_128_GCM first, AES_CM_128_HMAC_SHA1_80 (mandatory for aiortc) second.</summary>
    public static IReadOnlyList<SrtpProtectionProfile> Default { get; } =
        [SrtpProtectionProfile.AeadAes128Gcm, SrtpProtectionProfile.AesCm128HmacSha1_80];

    internal const string DefaultOpenSslList = "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80";

    /// <summary>OpenSSL's name for the profile (as used by <c>SSL_set_tlsext_use_srtp</c>).</summary>
    public static string OpenSslName(SrtpProtectionProfile profile) => profile switch
    {
        SrtpProtectionProfile.AesCm128HmacSha1_80 => "SRTP_AES128_CM_SHA1_80",
        SrtpProtectionProfile.AeadAes128Gcm => "SRTP_AEAD_AES_128_GCM",
        _ => throw new DtlsException($"unsupported SRTP profile {profile}"),
    };

    /// <summary>Master key length in bytes.</summary>
    public static int KeyLength(SrtpProtectionProfile profile) => profile switch
    {
        SrtpProtectionProfile.AesCm128HmacSha1_80 => 16,
        SrtpProtectionProfile.AeadAes128Gcm => 16,
        _ => throw new DtlsException($"unsupported SRTP profile {profile}"),
    };

    /// <summary>Master salt length in bytes (14 for AES-CM, 12 for GCM).</summary>
    public static int SaltLength(SrtpProtectionProfile profile) => profile switch
    {
        SrtpProtectionProfile.AesCm128HmacSha1_80 => 14,
        SrtpProtectionProfile.AeadAes128Gcm => 12,
        _ => throw new DtlsException($"unsupported SRTP profile {profile}"),
    };

    /// <summary>True for ids we implement.</summary>
    public static bool IsSupported(ulong id)
        => id == (ulong)SrtpProtectionProfile.AesCm128HmacSha1_80 || id == (ulong)SrtpProtectionProfile.AeadAes128Gcm;

    /// <summary>"A:B" list for OpenSSL in the given order.</summary>
    internal static string ToOpenSslList(IReadOnlyList<SrtpProtectionProfile> profiles)
    {
        if (profiles.Count == 0) throw new DtlsException("at least one SRTP profile is required");
        var names = new string[profiles.Count];
        for (int i = 0; i < names.Length; i++) names[i] = OpenSslName(profiles[i]);
        return string.Join(':', names);
    }
}
