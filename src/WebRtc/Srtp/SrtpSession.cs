namespace WebRtcBridge.WebRtc.Srtp;

/// <summary>
/// The two SRTP directions of a DTLS-SRTP association (RFC 5764 §4.2): built from the exported keying material
/// client_write_key | server_write_key | client_write_salt | server_write_salt and our DTLS role.
/// </summary>
public sealed class SrtpSession : IDisposable
{
    /// <summary>Exporter label for DTLS-SRTP keying material (RFC 5764 §4.2).</summary>
    public const string ExporterLabel = "EXTRACTOR-dtls_srtp";

    private SrtpSession(SrtpProtectionProfile profile, SrtpContext outbound, SrtpContext inbound)
    {
        Profile = profile;
        Outbound = outbound;
        Inbound = inbound;
    }

    /// <summary>The negotiated profile.</summary>
    public SrtpProtectionProfile Profile { get; }

    /// <summary>Protects what we send (keys of our DTLS role).</summary>
    public SrtpContext Outbound { get; }

    /// <summary>Unprotects what we receive (keys of the peer's DTLS role).</summary>
    public SrtpContext Inbound { get; }

    /// <summary>Length of keying material to export for <paramref name="profile"/>: 2·(key + salt), 60 for AES-CM, 56 for GCM.</summary>
    public static int GetKeyingMaterialLength(SrtpProtectionProfile profile)
    {
        var info = SrtpProfileInfo.For(profile);
        return 2 * (info.KeyLength + info.SaltLength);
    }

    /// <summary>
    /// Splits <paramref name="keyingMaterial"/> per RFC 5764 §4.2 and derives both directions.
    /// <paramref name="localIsDtlsClient"/>: true when we were the DTLS client (then we send with the client keys).
    /// </summary>
    public static SrtpSession Create(SrtpProtectionProfile profile, ReadOnlySpan<byte> keyingMaterial, bool localIsDtlsClient, SrtpContextOptions? options = null)
    {
        var info = SrtpProfileInfo.For(profile);
        int k = info.KeyLength, s = info.SaltLength;
        if (keyingMaterial.Length != 2 * (k + s))
            throw new ArgumentException($"keying material must be {2 * (k + s)} bytes for {profile}", nameof(keyingMaterial));
        ReadOnlySpan<byte> clientKey = keyingMaterial.Slice(0, k);
        ReadOnlySpan<byte> serverKey = keyingMaterial.Slice(k, k);
        ReadOnlySpan<byte> clientSalt = keyingMaterial.Slice(2 * k, s);
        ReadOnlySpan<byte> serverSalt = keyingMaterial.Slice(2 * k + s, s);
        var client = new SrtpContext(profile, clientKey, clientSalt, options);
        var server = new SrtpContext(profile, serverKey, serverSalt, options);
        return localIsDtlsClient ? new SrtpSession(profile, client, server) : new SrtpSession(profile, server, client);
    }

    /// <summary>Disposes both contexts.</summary>
    public void Dispose()
    {
        Outbound.Dispose();
        Inbound.Dispose();
    }
}
