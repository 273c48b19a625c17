using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using WebRtcBridge.WebRtc.Dtls;

namespace WebRtcBridge.WebRtc.Tests.Dtls;

[Collection(DtlsCollection.Name)]
public class DtlsCertificateTests
{
    [Fact]
    public void Create_MakesSelfSignedEcdsaP256_WithShortValidityAndRandomPositiveSerial()
    {
        using var a = DtlsCertificate.Create();
        using var b = DtlsCertificate.Create();
        using var x509 = X509CertificateLoader.LoadCertificate(a.Der);
        using var other = X509CertificateLoader.LoadCertificate(b.Der);

        Assert.Equal("CN=WebRtcBridge", x509.Subject);
        Assert.Equal(x509.Subject, x509.Issuer);
        using var key = x509.GetECDsaPublicKey();
        Assert.NotNull(key);
        Assert.Equal(256, key!.KeySize);
        Assert.Equal("1.2.840.10045.4.3.2", x509.SignatureAlgorithm.Value); // ecdsa-with-SHA256
        var validity = x509.NotAfter - x509.NotBefore;
        Assert.InRange(validity, TimeSpan.FromDays(30), TimeSpan.FromDays(32));
        Assert.InRange(x509.NotBefore.ToUniversalTime(), DateTime.UtcNow.AddDays(-2), DateTime.UtcNow);
        var serial = x509.GetSerialNumber(); // little-endian
        Assert.Equal(16, serial.Length);
        Assert.True(new BigInteger(serial, isUnsigned: false, isBigEndian: false) > 0);
        Assert.NotEqual(x509.SerialNumber, other.SerialNumber);
        Assert.NotEqual(a.Fingerprint, b.Fingerprint);
    }

    [Fact]
    public void Fingerprint_IsSha256OfDer_UppercaseColonHex()
    {
        var cert = DtlsCertificate.Default;
        var hash = SHA256.HashData(cert.Der);
        var expected = string.Join(":", hash.Select(x => x.ToString("X2")));
        Assert.Equal("sha-256", cert.Fingerprint.Algorithm);
        Assert.Equal(expected, cert.Fingerprint.Value);
        Assert.Equal("sha-256 " + expected, cert.Fingerprint.ToString());
        Assert.Equal(95, cert.Fingerprint.Value.Length);
    }

    [Fact]
    public void Default_IsOneInstance_AcrossThreads_AndSurvivesDispose()
    {
        var seen = new DtlsCertificate[16];
        Parallel.For(0, seen.Length, i => seen[i] = DtlsCertificate.Default);
        Assert.All(seen, c => Assert.Same(seen[0], c));
        DtlsCertificate.Default.Dispose(); // no-op for the shared certificate
        using var pair = new DtlsPair();
        pair.Handshake();
        Assert.True(pair.BothConnected);
    }

    [Theory]
    [InlineData("sha-256 AB:CD", false)]
    [InlineData("md5 AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89", false)]
    [InlineData("sha-1 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33", true)]
    [InlineData("SHA-1   00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33  ", true)]
    [InlineData("sha-1 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:3G", false)]
    [InlineData("sha-1 00-11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Fingerprint_TryParse(string? text, bool valid)
    {
        Assert.Equal(valid, DtlsFingerprint.TryParse(text, out var fp));
        if (valid)
        {
            Assert.Equal("sha-1", fp!.Algorithm);
            Assert.Equal("00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33", fp.Value);
        }
    }

    [Fact]
    public void Fingerprint_Equality_IgnoresCase()
    {
        var a = DtlsFingerprint.Parse("sha-256 " + DtlsCertificate.Default.Fingerprint.Value);
        var b = DtlsFingerprint.Parse("SHA-256 " + DtlsCertificate.Default.Fingerprint.Value.ToLowerInvariant());
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Throws<DtlsException>(() => DtlsFingerprint.Parse("nonsense"));
    }
}
