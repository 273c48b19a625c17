using WebRtcBridge.WebRtc.Dtls;

namespace WebRtcBridge.WebRtc.Tests.Dtls;

[Collection(DtlsCollection.Name)]
public class DtlsFingerprintAndCloseTests
{
    private static readonly DtlsFingerprint Unrelated = DtlsCertificate.Create("someone else").Fingerprint;

    [Fact]
    public void ClientSeesWrongFingerprint_FailsWithReason_AndServerIsToldToClose()
    {
        using var pair = new DtlsPair(clientExpects: Unrelated);
        pair.Handshake();

        Assert.Equal(DtlsState.Failed, pair.Client.State);
        Assert.Equal("remote certificate fingerprint does not match the SDP", pair.ClientFailure);
        Assert.Equal(DtlsTransport.FingerprintMismatchReason, pair.Client.FailureReason);
        Assert.Null(pair.ClientKeys); // no keys for an unverified peer
        Assert.Equal(DtlsCertificate.Default.Fingerprint, pair.Client.RemoteCertificateFingerprint);
        // The server finished first, then got our close_notify.
        Assert.Equal(DtlsState.Closed, pair.Server.State);
        Assert.True(pair.Server.ClosedByPeer);
    }

    [Fact]
    public void ServerSeesWrongFingerprint_FailsWithReason()
    {
        using var pair = new DtlsPair(serverExpects: Unrelated);
        pair.Handshake();

        Assert.Equal(DtlsState.Failed, pair.Server.State);
        Assert.Equal(DtlsTransport.FingerprintMismatchReason, pair.ServerFailure);
        Assert.Null(pair.ServerKeys);
        Assert.NotEqual(DtlsState.Connected, pair.Client.State); // it connected, then received close_notify
        Assert.True(pair.Client.ClosedByPeer);
    }

    [Fact]
    public void FingerprintComparison_IsCaseInsensitive()
    {
        var lower = DtlsFingerprint.Parse("SHA-256 " + DtlsCertificate.Default.Fingerprint.Value.ToLowerInvariant());
        using var pair = new DtlsPair(clientExpects: lower);
        pair.Handshake();
        Assert.True(pair.BothConnected, pair.ClientFailure ?? pair.ServerFailure);
    }

    [Fact]
    public void Sha1Fingerprint_IsVerifiedWithTheMatchingDigest()
    {
        var sha1 = DtlsFingerprint.FromDer(DtlsCertificate.Default.Der, "sha-1");
        using var pair = new DtlsPair(clientExpects: sha1);
        pair.Handshake();
        Assert.True(pair.BothConnected, pair.ClientFailure ?? pair.ServerFailure);
        Assert.Equal(sha1, pair.Client.RemoteCertificateFingerprint);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Close_SendsCloseNotify_PeerReportsClosed(bool clientCloses)
    {
        using var pair = new DtlsPair();
        pair.Handshake();
        Assert.True(pair.BothConnected);
        var closer = clientCloses ? pair.Client : pair.Server;
        var other = clientCloses ? pair.Server : pair.Client;
        int sentBefore = (clientCloses ? pair.ClientSent : pair.ServerSent).Count;

        closer.Close();
        Assert.Equal(DtlsState.Closed, closer.State);
        Assert.False(closer.ClosedByPeer);
        var sent = clientCloses ? pair.ClientSent : pair.ServerSent;
        Assert.Equal(sentBefore + 1, sent.Count);
        Assert.Equal(21, sent[^1][0]); // an alert record (encrypted close_notify)
        pair.Pump();

        Assert.Equal(DtlsState.Closed, other.State);
        Assert.True(other.ClosedByPeer);
        Assert.Equal(1, pair.ClientClosedEvents);
        Assert.Equal(1, pair.ServerClosedEvents);
        Assert.Null(pair.ClientFailure);
        Assert.Null(pair.ServerFailure);
        // The peer's answering close_notify reaches a closed transport: ignored, counted.
        Assert.Equal(1, closer.IgnoredDatagrams);

        closer.Close(); // idempotent
        Assert.Equal(1, clientCloses ? pair.ClientClosedEvents : pair.ServerClosedEvents);
    }

    [Fact]
    public void DatagramsAfterDispose_AreIgnored_NotThrown()
    {
        var pair = new DtlsPair();
        pair.Handshake();
        var last = pair.ServerSent[^1];
        pair.Dispose();
        pair.Client.HandleDatagram(last);
        pair.Client.HandleTimeout();
        pair.Client.Close();
        Assert.Null(pair.Client.GetTimeout());
        Assert.Equal(1, pair.Client.IgnoredDatagrams);
        Assert.Throws<ObjectDisposedException>(() => pair.Client.Start());
    }
}
