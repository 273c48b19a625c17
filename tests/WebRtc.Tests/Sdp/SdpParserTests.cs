using WebRtcBridge.WebRtc.Sdp;

namespace WebRtcBridge.WebRtc.Tests.Sdp;

public class SdpParserTests
{
    public static TheoryData<string> Offers => new() { SdpTestOffers.Chrome, SdpTestOffers.Firefox, SdpTestOffers.Aiortc };

    [Fact]
    public void Chrome_ParsesStructure()
    {
        var d = SdpParser.Parse(SdpTestOffers.Chrome);
        Assert.Equal("4215775240449105457", d.Origin.SessionId);
        Assert.Equal(["0", "1", "2"], d.BundleMids);
        Assert.Equal(3, d.Media.Count);
        Assert.Equal("audio", d.Media[0].Media);
        Assert.Equal(54400, d.Media[0].Port);
        Assert.Equal("video", d.Media[1].Media);
        Assert.Equal("UDP/TLS/RTP/SAVPF", d.Media[1].Protocol);
        Assert.Equal(14, d.Media[1].Formats.Count);
        Assert.Equal("1", d.Media[1].Mid);
        Assert.Equal("application", d.Media[2].Media);
        Assert.Equal(["webrtc-datachannel"], d.Media[2].Formats);
        Assert.Equal(" WMS 6f1f7a4e-5d3c-4b1a-9e8f-7a6b5c4d3e2f", d.GetAttribute("msid-semantic"));
        Assert.True(d.HasAttribute("extmap-allow-mixed"));
        Assert.Equal("", d.GetAttribute("extmap-allow-mixed"));
        Assert.Equal(new SdpConnection("IN", "IP4", "10.255.0.2"), d.Media[0].Connection);
    }

    [Theory]
    [MemberData(nameof(Offers))]
    public void RoundTrip_ParseWriteParse_IsStable(string sdp)
    {
        var first = SdpParser.Parse(sdp);
        string written = first.ToString();
        Assert.DoesNotContain("\n", written.Replace("\r\n", ""));  // CRLF only
        Assert.EndsWith("\r\n", written);
        var second = SdpParser.Parse(written);
        Assert.Equal(written, second.ToString());
        // These offers are already in RFC order, so writing reproduces them exactly (unknown attributes included).
        Assert.Equal(sdp.TrimEnd('\r', '\n') + "\r\n", written);
    }

    [Fact]
    public void RoundTrip_KeepsUnknownLinesAndAttributes()
    {
        const string sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\ni=info\r\nb=AS:100\r\nt=0 0\r\nr=7d 1h 0 25h\r\nz=2882844526 -1h\r\na=x-custom:some value\r\na=flag\r\n" +
                           "m=video 9 UDP/TLS/RTP/SAVPF 96\r\ni=media info\r\nc=IN IP4 0.0.0.0\r\nb=TIAS:500000\r\ny=unknown line type\r\na=x-thing:1 2 3\r\na=empty:\r\n";
        var d = SdpParser.Parse(sdp);
        Assert.Equal(sdp, d.ToString());
        Assert.Equal("", d.Media[0].GetAttribute("empty"));
        Assert.Equal("1 2 3", d.Media[0].GetAttribute("x-thing"));
    }

    [Fact]
    public void TrailingBlanks_Tolerated()
    {
        var d = SdpParser.Parse(SdpTestOffers.Aiortc.Replace("a=rtcp-mux\r\n", "a=rtcp-mux \t\r\n"));
        Assert.True(d.Media[0].HasAttribute("rtcp-mux"));
    }

    [Fact]
    public void LfOnly_Accepted()
    {
        var d = SdpParser.Parse(SdpTestOffers.Aiortc.Replace("\r\n", "\n"));
        Assert.Single(d.Media);
        Assert.Equal(SdpParser.Parse(SdpTestOffers.Aiortc).ToString(), d.ToString());
    }

    [Theory]
    [InlineData("", 0, "SDP is empty")]
    [InlineData("o=- 1 2 IN IP4 0.0.0.0\r\n", 1, "SDP must start with v=")]
    [InlineData("v=1\r\n", 1, "unsupported version (v= must be 0)")]
    [InlineData("v=0\r\no=- 1 2 IN IP4\r\n", 2, "o= needs 6 fields: username sess-id sess-version nettype addrtype address")]
    [InlineData("v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 RTP/AVP\r\n", 5, "m= needs at least 4 fields: media port proto fmt")]
    [InlineData("v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 70000 RTP/AVP 96\r\n", 5, "invalid port in m=")]
    [InlineData("v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nthis is not sdp\r\n", 5, "expected '<type>=<value>'")]
    [InlineData("v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nA=x\r\n", 5, "invalid line type 'A'")]
    [InlineData("v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=:x\r\n", 5, "empty attribute name")]
    [InlineData("v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nc=IN IP4\r\n", 5, "c= needs 3 fields: nettype addrtype address")]
    [InlineData("v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\nt=0 0\r\n", 0, "missing s= line")]
    [InlineData("v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\n", 0, "missing t= line")]
    [InlineData("v=0\r\ns=-\r\nt=0 0\r\n", 0, "missing o= line")]
    [InlineData("v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\nt=x 0\r\n", 4, "t= needs two decimal times")]
    [InlineData("v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=x\0y\r\n", 5, "NUL or CR inside a line")]
    public void Malformed_ThrowsSdpException_WithLine(string sdp, int line, string reason)
    {
        var e = Assert.Throws<SdpException>(() => SdpParser.Parse(sdp));
        Assert.Equal(line, e.LineNumber);
        Assert.Equal(reason, e.Reason);
        if (line > 0) Assert.StartsWith($"SDP line {line}: ", e.Message);
        Assert.False(SdpParser.TryParse(sdp, out _, out var err));
        Assert.Equal(reason, err!.Reason);
    }

    [Fact]
    public void Limits_Enforced()
    {
        var big = "v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n" + new string('a', SdpParser.MaxLength);
        Assert.Equal("SDP is longer than 65536 characters", Assert.Throws<SdpException>(() => SdpParser.Parse(big)).Reason);

        var many = "v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n" + string.Concat(Enumerable.Repeat("a=x\r\n", SdpParser.MaxLines));
        Assert.Equal($"more than {SdpParser.MaxLines} lines", Assert.Throws<SdpException>(() => SdpParser.Parse(many)).Reason);

        var sections = "v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n" + string.Concat(Enumerable.Repeat("m=audio 0 RTP/AVP 0\r\n", SdpParser.MaxMediaSections + 1));
        Assert.Equal($"more than {SdpParser.MaxMediaSections} m= sections", Assert.Throws<SdpException>(() => SdpParser.Parse(sections)).Reason);
    }

    [Fact]
    public void Mutation_RandomCorruption_OnlySdpExceptionOrSuccess()
    {
        var rng = new Random(8866);
        string[] seeds = [SdpTestOffers.Chrome, SdpTestOffers.Firefox, SdpTestOffers.Aiortc];
        const string alphabet = "=: \r\n\0/amvcto0123456789-x\té";
        var local = SdpAnswerBuilderTests.Local();
        int parsed = 0, answered = 0;
        for (int i = 0; i < 3000; i++)
        {
            var chars = seeds[i % seeds.Length].ToCharArray();
            int edits = rng.Next(1, 6);
            for (int k = 0; k < edits; k++) chars[rng.Next(chars.Length)] = alphabet[rng.Next(alphabet.Length)];
            int len = rng.Next(4) == 0 ? rng.Next(chars.Length) : chars.Length;
            var text = new string(chars, 0, len);
            try
            {
                var d = SdpParser.Parse(text);
                parsed++;
                Assert.Equal(d.ToString(), SdpParser.Parse(d.ToString()).ToString());
                try
                {
                    var answer = SdpAnswerBuilder.Build(d, local);
                    SdpParser.Parse(answer.Sdp); // our answer always parses
                    answered++;
                }
                catch (SdpNegotiationException) { }
            }
            catch (SdpException) { }
        }
        Assert.True(parsed > 100);
        Assert.True(answered > 50);
    }
}
