using System.Net;
using WebRtcBridge.WebRtc.Ice;
using WebRtcBridge.WebRtc.Sdp;

namespace WebRtcBridge.WebRtc.Tests.Sdp;

public class SdpAnswerBuilderTests
{
    public const string ServerFingerprint = "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99";

    internal static SdpLocalParameters Local(bool send = true) => new()
    {
        IceUfrag = "srvU",
        IcePwd = "srvPassword0123456789abcd",
        Fingerprint = ServerFingerprint,
        Candidates = [IceCandidate.CreateHost(new IPEndPoint(IPAddress.Parse("10.255.0.1"), 40000))],
        Ssrc = 286331153,
        Cname = "srvcname",
        StreamId = "srvstream",
        TrackId = "srvtrack",
        SessionId = 4611731400430051336,
        SendVideo = send,
    };

    private static string[] Lines(string sdp) => sdp.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void Chrome_AnswerIsTheVerifiedTemplate()
    {
        var answer = SdpAnswerBuilder.Build(SdpTestOffers.Chrome, Local());
        // The answer shape of docs/webrtc-stack.md#sdp, with Chrome's values: VP8 96, mid 1, sdes:mid 4, abs-send-time 2; audio and data rejected.
        string expected = string.Join("\r\n",
            "v=0",
            "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
            "s=-",
            "t=0 0",
            "a=ice-lite",
            "a=group:BUNDLE 1",
            "a=msid-semantic: WMS srvstream",
            "a=fingerprint:sha-256 " + ServerFingerprint,
            "m=audio 0 UDP/TLS/RTP/SAVPF 111",
            "c=IN IP4 0.0.0.0",
            "a=mid:0",
            "m=video 40000 UDP/TLS/RTP/SAVPF 96",
            "c=IN IP4 10.255.0.1",
            "a=mid:1",
            "a=ice-ufrag:srvU",
            "a=ice-pwd:srvPassword0123456789abcd",
            "a=setup:passive",
            "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
            "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
            "a=sendrecv",
            "a=msid:srvstream srvtrack",
            "a=rtcp-mux",
            "a=rtcp-rsize",
            "a=rtpmap:96 VP8/90000",
            "a=rtcp-fb:96 goog-remb",
            "a=rtcp-fb:96 ccm fir",
            "a=rtcp-fb:96 nack",
            "a=rtcp-fb:96 nack pli",
            "a=ssrc:286331153 cname:srvcname",
            "a=ssrc:286331153 msid:srvstream srvtrack",
            "a=candidate:1 1 udp 2130706431 10.255.0.1 40000 typ host",
            "a=end-of-candidates",
            "m=application 0 UDP/DTLS/SCTP webrtc-datachannel",
            "c=IN IP4 0.0.0.0",
            "a=mid:2",
            "");
        Assert.Equal(expected, answer.Sdp);

        var n = answer.Negotiated;
        Assert.Equal(96, n.PayloadType);
        Assert.Equal("1", n.Mid);
        Assert.Equal(2, n.AbsSendTimeExtensionId);
        Assert.Equal(4, n.SdesMidExtensionId);
        Assert.Equal("EsAw", n.RemoteIceUfrag);
        Assert.Equal("bP+XJMM09aR8AiX1jdukzR6Y", n.RemoteIcePwd);
        Assert.Equal("sha-256", n.RemoteFingerprintAlgorithm);
        Assert.Equal(SdpTestOffers.ChromeFingerprint, n.RemoteFingerprint);
        Assert.Equal(DtlsSetupRole.ActPass, n.RemoteSetup);
        Assert.Equal(DtlsSetupRole.Passive, n.LocalSetup);
        Assert.Equal(SdpDirection.SendRecv, n.LocalDirection);
        Assert.Equal(3735928559u, n.RemoteSsrc); // primary of ssrc-group FID, not the RTX one
        Assert.False(n.RemoteIceLite);
        Assert.True(n.NackAllowed && n.PliAllowed && n.FirAllowed && n.RembAllowed && n.RtcpReducedSize);
        // Candidates live on the bundle-tag (audio) section: 2 mDNS + 1 IPv4, parsed; callers may skip mDNS.
        Assert.Equal(3, n.RemoteCandidates.Count);
        Assert.Equal(2, n.RemoteCandidates.Count(c => c.IsMdns));
        Assert.False(n.RemoteEndOfCandidates);
    }

    [Fact]
    public void Firefox_KeepsPt120_ExtIds_SessionLevelFingerprint()
    {
        var answer = SdpAnswerBuilder.Build(SdpTestOffers.Firefox, Local());
        var lines = Lines(answer.Sdp);
        Assert.Contains("m=video 40000 UDP/TLS/RTP/SAVPF 120", lines);
        Assert.Contains("a=rtpmap:120 VP8/90000", lines);
        Assert.Contains("a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid", lines);
        Assert.Contains("a=extmap:4 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", lines);
        Assert.DoesNotContain(lines, l => l.Contains("playout-delay") || l.Contains("transport-cc") || l.Contains("rtx"));
        Assert.Contains("a=group:BUNDLE 1", lines);
        Assert.Contains("m=audio 0 UDP/TLS/RTP/SAVPF 109", lines);
        foreach (var fb in new[] { "goog-remb", "ccm fir", "nack", "nack pli" }) Assert.Contains("a=rtcp-fb:120 " + fb, lines);

        var n = answer.Negotiated;
        Assert.Equal(120, n.PayloadType);
        Assert.Equal("1", n.Mid);
        Assert.Equal(4, n.AbsSendTimeExtensionId);
        Assert.Equal(3, n.SdesMidExtensionId);
        Assert.Equal("9a3c5e7f", n.RemoteIceUfrag);
        Assert.Equal("0F:6E:3B:2A:71:C8:94:5D:AA:10:BB:2C:9E:44:73:06:52:E1:D0:8F:3A:C6:7B:19:2D:E8:F4:05:A3:B7:6C:91", n.RemoteFingerprint);
        Assert.Equal(1618033988u, n.RemoteSsrc);
        Assert.Empty(n.RemoteCandidates); // Firefox trickles everything
    }

    [Fact]
    public void Aiortc_KeepsPt97_OnlyOfferedFeedback()
    {
        var answer = SdpAnswerBuilder.Build(SdpTestOffers.Aiortc, Local());
        var lines = Lines(answer.Sdp);
        Assert.Contains("m=video 40000 UDP/TLS/RTP/SAVPF 97", lines);
        Assert.Contains("a=group:BUNDLE 0", lines);
        Assert.Contains("a=mid:0", lines);
        Assert.Contains("a=rtpmap:97 VP8/90000", lines);
        Assert.Contains("a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid", lines);
        Assert.Contains("a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", lines);
        Assert.Contains("a=rtcp-fb:97 goog-remb", lines);
        Assert.Contains("a=rtcp-fb:97 nack", lines);
        Assert.Contains("a=rtcp-fb:97 nack pli", lines);
        Assert.DoesNotContain("a=rtcp-fb:97 ccm fir", lines); // aiortc does not offer FIR
        Assert.DoesNotContain("a=rtcp-rsize", lines);         // nor reduced-size RTCP
        Assert.Single(lines, l => l.StartsWith("m="));

        var n = answer.Negotiated;
        Assert.Equal(97, n.PayloadType);
        Assert.False(n.FirAllowed);
        Assert.True(n.NackAllowed && n.PliAllowed && n.RembAllowed);
        Assert.Equal(2842375342u, n.RemoteSsrc);
        Assert.Equal(2, n.RemoteCandidates.Count);
        Assert.Equal(IceCandidateType.ServerReflexive, n.RemoteCandidates[1].Type);
        Assert.True(n.RemoteEndOfCandidates);
        Assert.Equal("Xq1L", n.RemoteIceUfrag);
    }

    [Theory]
    [MemberData(nameof(SdpParserTests.Offers), MemberType = typeof(SdpParserTests))]
    public void Answer_HasEveryRequiredLine_AndParses(string offer)
    {
        var answer = SdpAnswerBuilder.Build(offer, Local());
        var lines = Lines(answer.Sdp);
        int pt = answer.Negotiated.PayloadType;
        string[] required =
        [
            "v=0", "s=-", "t=0 0", "a=ice-lite", "a=fingerprint:sha-256 " + ServerFingerprint,
            "a=ice-ufrag:srvU", "a=ice-pwd:srvPassword0123456789abcd", "a=setup:passive", "a=sendrecv",
            "a=rtcp-mux", $"a=rtpmap:{pt} VP8/90000", $"a=rtcp-fb:{pt} nack", $"a=rtcp-fb:{pt} nack pli",
            $"a=rtcp-fb:{pt} goog-remb", "a=msid:srvstream srvtrack", "a=ssrc:286331153 cname:srvcname",
            "a=candidate:1 1 udp 2130706431 10.255.0.1 40000 typ host", "a=end-of-candidates",
            $"a=mid:{answer.Negotiated.Mid}", $"a=group:BUNDLE {answer.Negotiated.Mid}",
        ];
        foreach (var r in required) Assert.Contains(r, lines);
        Assert.EndsWith("\r\n", answer.Sdp);
        var reparsed = SdpParser.Parse(answer.Sdp);
        Assert.Equal(SdpParser.Parse(offer).Media.Count, reparsed.Media.Count); // one answer section per offer section
    }

    [Theory]
    [InlineData("sendrecv", true, "sendrecv", true)]
    [InlineData("sendonly", true, "recvonly", false)]
    [InlineData("recvonly", true, "sendonly", true)]
    [InlineData("inactive", true, "inactive", false)]
    [InlineData("sendrecv", false, "recvonly", false)]
    [InlineData("recvonly", false, "inactive", false)]
    public void Direction_MirrorsOffer(string offered, bool serverSends, string answered, bool hasMsid)
    {
        var offer = SdpTestOffers.Aiortc.Replace("a=sendrecv\r\n", $"a={offered}\r\n");
        var answer = SdpAnswerBuilder.Build(offer, Local(serverSends));
        var lines = Lines(answer.Sdp);
        Assert.Contains("a=" + answered, lines);
        Assert.Equal(hasMsid, lines.Contains("a=msid:srvstream srvtrack"));
        Assert.Equal(hasMsid, lines.Any(l => l.StartsWith("a=ssrc:")));
        Assert.Equal(Enum.Parse<SdpDirection>(answered, ignoreCase: true), answer.Negotiated.LocalDirection);
        Assert.Equal(offered is "sendrecv" or "sendonly" ? 2842375342u : null, answer.Negotiated.RemoteSsrc);
    }

    [Theory]
    [InlineData("actpass", "passive")]
    [InlineData("active", "passive")]
    [InlineData("passive", "active")]
    public void Setup_AnswerRole(string offered, string answered)
    {
        var offer = SdpTestOffers.Aiortc.Replace("a=setup:actpass", "a=setup:" + offered);
        var answer = SdpAnswerBuilder.Build(offer, Local());
        Assert.Contains("a=setup:" + answered, Lines(answer.Sdp));
        Assert.Equal(answered == "active" ? DtlsSetupRole.Active : DtlsSetupRole.Passive, answer.Negotiated.LocalSetup);
    }

    [Fact]
    public void NoVp8_Throws()
    {
        var offer = SdpTestOffers.Aiortc.Replace("a=rtpmap:97 VP8/90000", "a=rtpmap:97 VP9/90000");
        Assert.Equal("no VP8 codec in the offer", Assert.Throws<SdpNegotiationException>(() => SdpAnswerBuilder.Build(offer, Local())).Message);
    }

    [Fact]
    public void Vp8RtpmapForUnlistedPt_Throws()
    {
        var offer = SdpTestOffers.Aiortc.Replace("m=video 51404 UDP/TLS/RTP/SAVPF 97 98", "m=video 51404 UDP/TLS/RTP/SAVPF 98");
        Assert.Equal("no VP8 codec in the offer", Assert.Throws<SdpNegotiationException>(() => SdpAnswerBuilder.Build(offer, Local())).Message);
    }

    [Fact]
    public void NoRtcpMux_Throws()
    {
        var offer = SdpTestOffers.Chrome.Replace("a=rtcp-mux\r\n", "");
        Assert.Equal("offer lacks a=rtcp-mux", Assert.Throws<SdpNegotiationException>(() => SdpAnswerBuilder.Build(offer, Local())).Message);
    }

    [Fact]
    public void NoFingerprint_Throws()
    {
        var offer = string.Join("\r\n", Lines(SdpTestOffers.Firefox).Where(l => !l.StartsWith("a=fingerprint"))) + "\r\n";
        Assert.Equal("offer lacks a DTLS fingerprint", Assert.Throws<SdpNegotiationException>(() => SdpAnswerBuilder.Build(offer, Local())).Message);
    }

    [Fact]
    public void NoVideo_Throws()
    {
        var offer = SdpTestOffers.Aiortc.Replace("m=video 51404", "m=audio 51404");
        Assert.Equal("no video m-line", Assert.Throws<SdpNegotiationException>(() => SdpAnswerBuilder.Build(offer, Local())).Message);
        var rejectedVideo = SdpTestOffers.Aiortc.Replace("m=video 51404", "m=video 0");
        Assert.Equal("no video m-line", Assert.Throws<SdpNegotiationException>(() => SdpAnswerBuilder.Build(rejectedVideo, Local())).Message);
    }

    [Fact]
    public void NoIceCredentials_Throws()
    {
        var offer = SdpTestOffers.Aiortc.Replace("a=ice-pwd:h0b7qAx3Ck5kL9vQhcM2Vn\r\n", "");
        Assert.Equal("offer lacks a=ice-ufrag/a=ice-pwd", Assert.Throws<SdpNegotiationException>(() => SdpAnswerBuilder.Build(offer, Local())).Message);
    }

    [Fact]
    public void NegotiationException_IsAnSdpException()
    {
        var offer = SdpTestOffers.Aiortc.Replace("a=rtcp-mux\r\n", "");
        Assert.IsAssignableFrom<SdpException>(Record.Exception(() => SdpAnswerBuilder.Build(offer, Local())));
    }
}
