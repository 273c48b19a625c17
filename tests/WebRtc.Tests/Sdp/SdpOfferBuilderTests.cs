using System.Net;
using WebRtcBridge.WebRtc.Ice;
using WebRtcBridge.WebRtc.Sdp;

namespace WebRtcBridge.WebRtc.Tests.Sdp;

public class SdpOfferBuilderTests
{
    private static SdpLocalParameters Client() => new()
    {
        IceUfrag = "cliU",
        IcePwd = "cliPassword0123456789abcd",
        Fingerprint = SdpTestOffers.ChromeFingerprint,
        Candidates = [IceCandidate.CreateHost(new IPEndPoint(IPAddress.Parse("10.255.0.2"), 50000))],
        Ssrc = 12345678,
        StreamId = "cli",
        TrackId = "cam",
    };

    [Fact]
    public void Offer_HasFullIceActpassVp8()
    {
        var offer = SdpOfferBuilder.Build(Client()).ToString();
        var lines = offer.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        string[] required =
        [
            "a=group:BUNDLE 0", "a=fingerprint:sha-256 " + SdpTestOffers.ChromeFingerprint, "m=video 50000 UDP/TLS/RTP/SAVPF 96",
            "a=mid:0", "a=setup:actpass", "a=ice-ufrag:cliU", "a=ice-pwd:cliPassword0123456789abcd", "a=rtcp-mux",
            "a=rtcp-rsize", "a=rtpmap:96 VP8/90000", "a=rtcp-fb:96 nack", "a=rtcp-fb:96 nack pli", "a=rtcp-fb:96 ccm fir",
            "a=rtcp-fb:96 goog-remb", "a=sendrecv", "a=msid:cli cam", "a=ssrc:12345678 cname:",
            "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
            "a=candidate:1 1 udp 2130706431 10.255.0.2 50000 typ host",
        ];
        foreach (var r in required) Assert.Contains(lines, l => l.StartsWith(r));
        Assert.DoesNotContain("a=ice-lite", lines);
    }

    [Fact]
    public void OfferToOurOwnAnswerer_AndBack()
    {
        var offer = SdpOfferBuilder.Build(Client()).ToString();
        var answer = SdpAnswerBuilder.Build(offer, SdpAnswerBuilderTests.Local());
        Assert.Equal(96, answer.Negotiated.PayloadType);
        Assert.Equal("0", answer.Negotiated.Mid);
        Assert.Equal(12345678u, answer.Negotiated.RemoteSsrc);
        Assert.Equal("cliU", answer.Negotiated.RemoteIceUfrag);

        var n = SdpOfferBuilder.ParseAnswer(answer.Sdp);
        Assert.Equal(96, n.PayloadType);
        Assert.Equal("0", n.Mid);
        Assert.True(n.RemoteIceLite);
        Assert.Equal("srvU", n.RemoteIceUfrag);
        Assert.Equal("srvPassword0123456789abcd", n.RemoteIcePwd);
        Assert.Equal(SdpAnswerBuilderTests.ServerFingerprint, n.RemoteFingerprint);
        Assert.Equal(DtlsSetupRole.Passive, n.RemoteSetup);
        Assert.Equal(DtlsSetupRole.Active, n.LocalSetup); // we are the DTLS client
        Assert.Equal(SdpDirection.SendRecv, n.LocalDirection);
        Assert.Equal(286331153u, n.RemoteSsrc);
        Assert.Equal(2, n.AbsSendTimeExtensionId);
        Assert.Equal(1, n.SdesMidExtensionId);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.255.0.1"), 40000), Assert.Single(n.RemoteCandidates).EndPoint);
        Assert.True(n.RemoteEndOfCandidates);
        Assert.True(n.NackAllowed && n.PliAllowed && n.FirAllowed && n.RembAllowed);
    }

    [Theory]
    [InlineData("a=setup:passive", "a=setup:actpass", "answer has a=setup:actpass (must be active or passive)")]
    [InlineData("a=rtcp-mux\r\n", "", "answer lacks a=rtcp-mux")]
    [InlineData("a=rtpmap:96 VP8/90000", "a=rtpmap:96 H264/90000", "no VP8 codec in the answer")]
    [InlineData("m=video 40000", "m=video 0", "answer rejected the video m-line")]
    public void BadAnswer_Throws(string from, string to, string message)
    {
        var offer = SdpOfferBuilder.Build(Client()).ToString();
        var answer = SdpAnswerBuilder.Build(offer, SdpAnswerBuilderTests.Local()).Sdp.Replace(from, to);
        Assert.Equal(message, Assert.Throws<SdpNegotiationException>(() => SdpOfferBuilder.ParseAnswer(answer)).Message);
    }

    [Fact]
    public void FormatFingerprint_UpperHexColons()
    {
        Assert.Equal("00:AB:FF", SdpLocalParameters.FormatFingerprint([0x00, 0xab, 0xff]));
    }
}
