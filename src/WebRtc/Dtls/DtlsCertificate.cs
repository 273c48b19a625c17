using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WebRtcBridge.WebRtc.Dtls;

/// <summary>
/// A self-signed ECDSA P-256 certificate made with .NET and loaded into OpenSSL (docs/webrtc-stack.md#dtls-srtp-over-openssl). One process-wide
/// <see cref="Default"/> is shared by all transports, as mediasoup does; tests can create their own.
/// </summary>
public sealed class DtlsCertificate : IDisposable
{
    private static readonly Lazy<DtlsCertificate> LazyDefault = new(() => Create(), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly DtlsContext _context;
    private readonly byte[] _der;

    private DtlsCertificate(byte[] der, DtlsContext context, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        _der = der;
        _context = context;
        NotBefore = notBefore;
        NotAfter = notAfter;
        Fingerprint = DtlsFingerprint.FromDer(der);
    }

    /// <summary>The process-wide certificate, created on first use (thread-safe).</summary>
    public static DtlsCertificate Default => LazyDefault.Value;

    /// <summary>SHA-256 fingerprint for our SDP <c>a=fingerprint</c> line (RFC 8122 §5).</summary>
    public DtlsFingerprint Fingerprint { get; }

    /// <summary>The certificate in DER.</summary>
    public ReadOnlySpan<byte> Der => _der;

    public DateTimeOffset NotBefore { get; }

    public DateTimeOffset NotAfter { get; }

    internal DtlsContext Context => _context;

    /// <summary>
    /// Makes a new key pair and certificate: CN=<paramref name="commonName"/>, random positive 128-bit serial,
    /// valid from one day ago for <paramref name="validity"/> (default 30 days), ECDSA with SHA-256.
    /// </summary>
    public static DtlsCertificate Create(string commonName = "WebRtcBridge", TimeSpan? validity = null)
    {
        var lifetime = validity ?? TimeSpan.FromDays(30);
        if (lifetime <= TimeSpan.Zero) throw new DtlsException("certificate validity must be positive");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedName("CN=" + commonName);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);

        var serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7F; // positive INTEGER (RFC 5280 §4.1.2.2)
        serial[0] |= 0x01; // and no leading zero byte

        var now = DateTimeOffset.UtcNow;
        var notBefore = now.AddDays(-1);
        var notAfter = now + lifetime;
        using var certificate = request.Create(subject, X509SignatureGenerator.CreateForECDsa(key), notBefore, notAfter, serial);
        byte[] der = certificate.RawData;
        byte[] pkcs8 = key.ExportPkcs8PrivateKey();
        try
        {
            var context = DtlsContext.Create(der, pkcs8);
            return new DtlsCertificate(der, context, notBefore, notAfter);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    /// <summary>Frees the OpenSSL context; transports already created keep their own reference.</summary>
    public void Dispose()
    {
        if (ReferenceEquals(this, LazyDefault.IsValueCreated ? LazyDefault.Value : null)) return; // the shared one lives forever
        _context.Dispose();
    }
}
