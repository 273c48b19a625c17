using WebRtcBridge.WebRtc.Srtp;

namespace WebRtcBridge.WebRtc.Dtls;

/// <summary>
/// The result of a DTLS-SRTP handshake: the negotiated profile, our role, and the exporter output
/// ("EXTRACTOR-dtls_srtp", 2*(key+salt) bytes), laid out per RFC 5764 §4.2 as
/// client_write_key | server_write_key | client_write_salt | server_write_salt. Both ends hold identical bytes.
/// </summary>
public sealed class DtlsSrtpKeyingMaterial
{
    private readonly byte[] _material;

    public DtlsSrtpKeyingMaterial(SrtpProtectionProfile profile, DtlsRole role, byte[] material)
    {
        KeyLength = DtlsSrtpProfiles.KeyLength(profile);
        SaltLength = DtlsSrtpProfiles.SaltLength(profile);
        if (material.Length != 2 * (KeyLength + SaltLength))
            throw new DtlsException($"{profile} needs {2 * (KeyLength + SaltLength)} bytes of keying material, got {material.Length}");
        Profile = profile;
        Role = role;
        _material = material;
    }

    /// <summary>Negotiated SRTP protection profile.</summary>
    public SrtpProtectionProfile Profile { get; }

    /// <summary>Our DTLS role; decides which half is local (RFC 5764 §4.2).</summary>
    public DtlsRole Role { get; }

    public int KeyLength { get; }

    public int SaltLength { get; }

    /// <summary>The whole exporter output.</summary>
    public ReadOnlySpan<byte> Material => _material;

    public ReadOnlySpan<byte> ClientWriteKey => _material.AsSpan(0, KeyLength);

    public ReadOnlySpan<byte> ServerWriteKey => _material.AsSpan(KeyLength, KeyLength);

    public ReadOnlySpan<byte> ClientWriteSalt => _material.AsSpan(2 * KeyLength, SaltLength);

    public ReadOnlySpan<byte> ServerWriteSalt => _material.AsSpan(2 * KeyLength + SaltLength, SaltLength);

    /// <summary>Key we protect outgoing SRTP with.</summary>
    public ReadOnlySpan<byte> LocalKey => Role == DtlsRole.Client ? ClientWriteKey : ServerWriteKey;

    public ReadOnlySpan<byte> LocalSalt => Role == DtlsRole.Client ? ClientWriteSalt : ServerWriteSalt;

    /// <summary>Key the peer protects its SRTP with (we unprotect incoming with it).</summary>
    public ReadOnlySpan<byte> RemoteKey => Role == DtlsRole.Client ? ServerWriteKey : ClientWriteKey;

    public ReadOnlySpan<byte> RemoteSalt => Role == DtlsRole.Client ? ServerWriteSalt : ClientWriteSalt;
}
