using WebRtcBridge.WebRtc.Dtls;
using WebRtcBridge.WebRtc.Sdp;
using WebRtcBridge.WebRtc.Tests.PeerConnection;
using WebRtcBridge.WebRtc.Tests.Sdp;

namespace WebRtcBridge.WebRtc.Tests.Dtls;

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;
    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>
/// Certificate rotation: new connections get a new certificate once the current one is older than the rotation age;
/// connections that started with the old one keep it (and keep working) until they close, which frees it.
/// Remote fingerprints weaker than sha-256 are refused with a clear error.
/// </summary>
[Collection(PeerConnectionCollection.Name)]
public class DtlsCertificateRotationTests
{
    [Fact]
    public void Provider_RotatesAfterTheAge_OldCertificateLivesUntilItsLastLease()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        using var provider = new DtlsCertificateProvider(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(3), clock);
        var a = provider.Acquire();
        clock.Now += TimeSpan.FromSeconds(59);
        var a2 = provider.Acquire();
        Assert.Same(a, a2);
        Assert.InRange(a.NotAfter - clock.Now, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(3)); // validity from the injected clock

        clock.Now += TimeSpan.FromSeconds(1);
        var b = provider.Acquire();
        Assert.NotSame(a, b);
        Assert.NotEqual(a.Fingerprint, b.Fingerprint);
        Assert.Equal(1, provider.Rotations);
        Assert.False(a.IsReleased); // two leases still out

        // A session that leased the old certificate can still make a DTLS transport with it after the rotation.
        using (var transport = new DtlsTransport(new DtlsTransportOptions { Role = DtlsRole.Server, Certificate = a, RemoteFingerprint = b.Fingerprint, AutoTimer = false }, _ => { }))
            Assert.Equal(a.Fingerprint, transport.LocalFingerprint);
        provider.Release(a);
        Assert.False(a.IsReleased);
        provider.Release(a2);
        Assert.True(a.IsReleased);
        Assert.False(b.IsReleased);
        provider.Release(b);
    }

    [Fact(Timeout = 90_000)]
    public async Task Rotation_GivesNewSessionsANewCertificate_WithoutDisturbingTheLiveOne()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        using var provider = new DtlsCertificateProvider(TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1), clock);
        var options = PeerPair.LoopbackOptions() with { Certificates = provider };
        await using var first = new PeerPair(server: options);
        var toClient = new FrameCounter(first.Client);
        await first.ConnectAsync();
        var oldFingerprint = first.Server.LocalFingerprint;

        clock.Now += TimeSpan.FromSeconds(11);
        await using var second = new PeerPair(server: options);
        await second.ConnectAsync();
        Assert.NotEqual(oldFingerprint, second.Server.LocalFingerprint);
        Assert.Equal(1, provider.Rotations);

        await PeerPair.SendFramesAsync(first.Server, 20, 320, 240); // the first session still works on its certificate
        await toClient.WaitForAsync(15).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(PeerConnectionState.Connected, first.Server.ConnectionState);
        Assert.Equal(oldFingerprint, first.Server.LocalFingerprint);
    }

    [Theory]
    [InlineData("sha-1 DA:39:A3:EE:5E:6B:4B:0D:32:55:BF:EF:95:60:18:90:AF:D8:07:09")]
    [InlineData("md5 DA:39:A3:EE:5E:6B:4B:0D:32:55:BF:EF:95:60:18:90")]
    public async Task WeakRemoteFingerprint_Refused_WithAClearError(string fingerprint)
    {
        var offer = SdpTestOffers.Chrome.Replace(
            "a=fingerprint:sha-256 DA:39:A3:EE:5E:6B:4B:0D:32:55:BF:EF:95:60:18:90:AF:D8:07:09:4A:9B:3C:2D:1E:0F:A1:B2:C3:D4:E5:F6",
            "a=fingerprint:" + fingerprint);
        Assert.DoesNotContain("sha-256", offer);
        await using var pc = new WebRtcBridge.WebRtc.PeerConnection(PeerPair.LoopbackOptions());
        var e = await Assert.ThrowsAsync<SdpNegotiationException>(() => pc.AcceptOfferAsync(offer));
        Assert.Contains("sha-256, sha-384 or sha-512 is required", e.Message);
        Assert.Contains(fingerprint.Split(' ')[0], e.Message);
    }

    [Fact]
    public void OfWeakAndStrongFingerprints_TheStrongestIsUsed()
    {
        const string sha256 = "a=fingerprint:sha-256 DA:39:A3:EE:5E:6B:4B:0D:32:55:BF:EF:95:60:18:90:AF:D8:07:09:4A:9B:3C:2D:1E:0F:A1:B2:C3:D4:E5:F6";
        var offer = SdpTestOffers.Chrome.Replace(sha256, "a=fingerprint:sha-1 DA:39:A3:EE:5E:6B:4B:0D:32:55:BF:EF:95:60:18:90:AF:D8:07:09\r\n" + sha256);
        var negotiated = SdpAnswerBuilder.Build(offer, SdpAnswerBuilderTestsLocal()).Negotiated;
        Assert.Equal("sha-256", negotiated.RemoteFingerprintAlgorithm);
    }

    private static SdpLocalParameters SdpAnswerBuilderTestsLocal() => new()
    {
        IceUfrag = "abcd",
        IcePwd = "abcdefghijklmnopqrstuvwx",
        Fingerprint = DtlsCertificate.Default.Fingerprint.Value,
        Candidates = [],
        Ssrc = 1,
        Cname = "x",
    };
}
