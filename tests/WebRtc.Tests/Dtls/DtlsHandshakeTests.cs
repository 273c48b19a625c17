using WebRtcBridge.WebRtc.Dtls;
using WebRtcBridge.WebRtc.Srtp;

namespace WebRtcBridge.WebRtc.Tests.Dtls;

[Collection(DtlsCollection.Name)]
public class DtlsHandshakeTests
{
    [Fact]
    public void Handshake_DefaultProfiles_NegotiatesGcmWithIdenticalKeyingMaterial()
    {
        using var pair = new DtlsPair();
        pair.Handshake();

        Assert.Null(pair.ClientFailure);
        Assert.Null(pair.ServerFailure);
        Assert.True(pair.BothConnected);
        Assert.NotNull(pair.ClientKeys);
        Assert.NotNull(pair.ServerKeys);
        var client = pair.ClientKeys!;
        var server = pair.ServerKeys!;
        Assert.Equal(SrtpProtectionProfile.AeadAes128Gcm, client.Profile);
        Assert.Equal(SrtpProtectionProfile.AeadAes128Gcm, server.Profile);
        Assert.Equal(DtlsRole.Client, client.Role);
        Assert.Equal(DtlsRole.Server, server.Role);
        Assert.Equal(56, client.Material.Length);
        Assert.True(client.Material.SequenceEqual(server.Material));
        Assert.False(client.Material.IndexOfAnyExcept((byte)0) < 0, "keying material is all zero");
        // RFC 5764 §4.2: what one side sends with, the other receives with.
        Assert.True(client.LocalKey.SequenceEqual(server.RemoteKey));
        Assert.True(client.LocalSalt.SequenceEqual(server.RemoteSalt));
        Assert.True(server.LocalKey.SequenceEqual(client.RemoteKey));
        Assert.False(client.LocalKey.SequenceEqual(client.RemoteKey));
        // Fingerprints: each side saw the other's certificate.
        Assert.Equal(DtlsCertificate.Default.Fingerprint, pair.Client.RemoteCertificateFingerprint);
        Assert.Equal(DtlsPair.ClientCertificate.Fingerprint, pair.Server.RemoteCertificateFingerprint);
        Assert.Same(client, pair.Client.KeyingMaterial);
    }

    [Theory]
    [InlineData(true, SrtpProtectionProfile.AesCm128HmacSha1_80, 60)]   // client offers only AES-CM (aiortc)
    [InlineData(false, SrtpProtectionProfile.AesCm128HmacSha1_80, 60)]  // server accepts only AES-CM
    [InlineData(true, SrtpProtectionProfile.AeadAes128Gcm, 56)]
    [InlineData(false, SrtpProtectionProfile.AeadAes128Gcm, 56)]
    public void Handshake_ForcedProfileOnOneSide_IsNegotiated(bool onClient, SrtpProtectionProfile profile, int materialLength)
    {
        SrtpProtectionProfile[] only = [profile];
        using var pair = onClient ? new DtlsPair(clientProfiles: only) : new DtlsPair(serverProfiles: only);
        pair.Handshake();

        Assert.True(pair.BothConnected, pair.ClientFailure ?? pair.ServerFailure);
        Assert.Equal(profile, pair.ClientKeys!.Profile);
        Assert.Equal(profile, pair.ServerKeys!.Profile);
        Assert.Equal(materialLength, pair.ClientKeys.Material.Length);
        Assert.True(pair.ClientKeys.Material.SequenceEqual(pair.ServerKeys.Material));
    }

    [Fact]
    public void Handshake_ServerPreferenceWins_WhenClientOffersAesCmFirst()
    {
        using var pair = new DtlsPair(clientProfiles: [SrtpProtectionProfile.AesCm128HmacSha1_80, SrtpProtectionProfile.AeadAes128Gcm]);
        pair.Handshake();

        Assert.True(pair.BothConnected);
        Assert.Equal(SrtpProtectionProfile.AeadAes128Gcm, pair.ServerKeys!.Profile);
    }

    [Fact]
    public void Handshake_NoCommonProfile_Fails()
    {
        using var pair = new DtlsPair(
            clientProfiles: [SrtpProtectionProfile.AesCm128HmacSha1_80],
            serverProfiles: [SrtpProtectionProfile.AeadAes128Gcm]);
        pair.Handshake();

        Assert.False(pair.BothConnected);
        Assert.True(pair.Client.State == DtlsState.Failed || pair.Server.State == DtlsState.Failed);
        Assert.Contains("use_srtp", pair.ClientFailure ?? pair.ServerFailure);
    }

    [Fact]
    public void Handshake_OpenSslFailure_DrainsErrorQueueIntoReason_AndAlertFailsThePeer()
    {
        // RSA-only suite against our ECDSA certificate: the server finds no shared cipher and sends a fatal alert.
        using var pair = new DtlsPair(clientCipherList: "AES128-SHA");
        pair.Handshake();

        Assert.Equal(DtlsState.Failed, pair.Server.State);
        Assert.Equal(DtlsState.Failed, pair.Client.State);
        Assert.StartsWith("DTLS handshake failed: error:", pair.ServerFailure);
        Assert.Contains("no shared cipher", pair.ServerFailure);
        Assert.Contains("alert", pair.ClientFailure);
        Assert.Null(pair.Client.GetTimeout());
    }

    [Fact]
    public void Handshake_EveryDatagramIsWholeRecordsWithinMtu_AndRecordsAreCoalesced()
    {
        using var pair = new DtlsPair();
        pair.Handshake();
        Assert.True(pair.BothConnected);

        int maxRecordsInOne = 0;
        foreach (var d in pair.ClientSent.Concat(pair.ServerSent))
            maxRecordsInOne = Math.Max(maxRecordsInOne, DtlsRecordAssert.WholeRecords(d, 1200));
        Assert.True(maxRecordsInOne >= 2, "the server flight (ServerHello..ServerHelloDone) should share datagrams");
        Assert.Equal(pair.ClientSent.Count, pair.Client.DatagramsOut);
        Assert.Equal(pair.ServerSent.Count, pair.Server.DatagramsOut);
        Assert.Equal(pair.ServerSent.Count, pair.Client.DatagramsIn);
    }

    [Fact]
    public void Handshake_SmallMtu_FragmentsClientHelloOverTwoDatagrams_AndStillCompletes()
    {
        // OpenSSL's minimum MTU is 256 and its usual ClientHello is ~190 bytes: offer every cipher suite so the hello
        // (~400 bytes) must be fragmented, like the 1.4 KB post-quantum ClientHellos of Chrome and Firefox (docs/webrtc-stack.md#dtls-srtp-over-openssl).
        using var pair = new DtlsPair(clientMtu: 256, serverMtu: 256, clientCipherList: "ALL:@SECLEVEL=0");
        pair.Server.Start();
        pair.Client.Start();
        // Before any delivery: everything the client sent so far is its ClientHello.
        int helloDatagrams = pair.ClientSent.Count;
        Assert.True(helloDatagrams >= 2, $"ClientHello went out in {helloDatagrams} datagram(s) of {pair.ClientSent[0].Length} bytes");
        Assert.All(pair.ClientSent, d => Assert.True(DtlsRecordAssert.ContainsClientHello(d)));
        pair.Pump();

        Assert.True(pair.BothConnected, pair.ClientFailure ?? pair.ServerFailure);
        foreach (var d in pair.ClientSent.Concat(pair.ServerSent)) DtlsRecordAssert.WholeRecords(d, 256);
        Assert.True(pair.ClientKeys!.Material.SequenceEqual(pair.ServerKeys!.Material));
    }
}

[CollectionDefinition(Name)]
public sealed class DtlsCollection
{
    public const string Name = "DTLS (OpenSSL handle counters)";
}
