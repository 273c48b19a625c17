using System.Net;
using WebRtcBridge.WebRtc.Ice;

namespace WebRtcBridge.WebRtc.Tests.Ice;

public class IceCandidateTests
{
    [Fact]
    public void HostPriority_Is2130706431()
    {
        Assert.Equal(2130706431u, IceCandidate.ComputePriority(IceCandidateType.Host));
        Assert.Equal((110u << 24) | (65535u << 8) | 255u, IceCandidate.ComputePriority(IceCandidateType.PeerReflexive));
        Assert.Equal((100u << 24) | (10u << 8) | 254u, IceCandidate.ComputePriority(IceCandidateType.ServerReflexive, 10, 2));
    }

    [Theory]
    [InlineData("candidate:1 1 udp 2130706431 10.255.0.1 50000 typ host")]
    [InlineData("candidate:842163049 1 udp 1677729535 203.0.113.7 61234 typ srflx raddr 10.0.0.5 rport 61234 generation 0 ufrag EsAw network-cost 999")]
    [InlineData("candidate:3 1 udp 2122262783 2001:db8::5 40000 typ host generation 0 network-id 2")]
    [InlineData("candidate:4 1 tcp 1518280447 10.0.0.5 9 typ host tcptype active generation 0")]
    [InlineData("candidate:2 1 udp 2122260223 1f4712db-ea17-4bcf-a596-105139dfd8bf.local 54400 typ host generation 0")]
    [InlineData("candidate:0 1 UDP 2122252543 10.0.0.5 51000 typ host")]
    public void ParseFormat_RoundTrip(string line)
    {
        Assert.True(IceCandidate.TryParse(line, out var c));
        Assert.True(IceCandidate.TryParse("a=" + c!.ToString(), out var again));
        Assert.Equal(c.ToString(), again!.ToString());
        Assert.Equal(line.Replace("UDP", "udp"), c.ToString());
    }

    [Fact]
    public void Parse_Fields()
    {
        Assert.True(IceCandidate.TryParse("a=candidate:842163049 1 udp 1677729535 203.0.113.7 61234 typ srflx raddr 10.0.0.5 rport 61235 generation 0", out var c));
        Assert.Equal("842163049", c!.Foundation);
        Assert.Equal(IceCandidateType.ServerReflexive, c.Type);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("203.0.113.7"), 61234), c.EndPoint);
        Assert.Equal("10.0.0.5", c.RelatedAddress);
        Assert.Equal(61235, c.RelatedPort);
        Assert.True(c.IsUdp);
        Assert.False(c.IsMdns);

        Assert.True(IceCandidate.TryParse("candidate:2 1 udp 2122260223 abc-def.local 54400 typ host", out var m));
        Assert.True(m!.IsMdns);
        Assert.Null(m.EndPoint);
    }

    [Theory]
    [InlineData("10.1")]
    [InlineData("1234")]
    [InlineData("10.0.0.256")]
    [InlineData("fe80::1%eth0")]
    public void NonCanonicalIpText_IsNotAnIp(string address)
    {
        var c = new IceCandidate { Foundation = "1", Address = address, Port = 1, Priority = 1 };
        Assert.Null(c.IpAddress);
        Assert.Null(c.EndPoint);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("candidate:")]
    [InlineData("candidate:1 1 udp 2130706431 10.0.0.1 50000 typ")]
    [InlineData("candidate:1 1 udp 2130706431 10.0.0.1 50000 type host")]
    [InlineData("candidate:1 0 udp 2130706431 10.0.0.1 50000 typ host")]
    [InlineData("candidate:1 1 udp x 10.0.0.1 50000 typ host")]
    [InlineData("candidate:1 1 udp 2130706431 10.0.0.1 70000 typ host")]
    [InlineData("candidate:1 1 udp 2130706431 10.0.0.1 50000 typ weird")]
    [InlineData("candidate:1 1 udp 2130706431 bad_host! 50000 typ host")]
    [InlineData("candidate:1 1 udp 2130706431 10.0.0.1 50000 typ host generation")]
    [InlineData("candidate:1 1 udp 2130706431 10.0.0.1 50000 typ srflx raddr")]
    [InlineData("candidate:1 1 udp 2130706431 10.0.0.1 50000 typ host generation 0\r\na=evil:1")]
    public void Malformed_ReturnsFalse(string? line)
    {
        Assert.False(IceCandidate.TryParse(line, out _));
    }

    [Fact]
    public void Mutation_NeverThrows()
    {
        var rng = new Random(8839);
        const string src = "candidate:842163049 1 udp 1677729535 203.0.113.7 61234 typ srflx raddr 10.0.0.5 rport 61234 generation 0";
        const string alphabet = " :.0123456789abcdefxyz-/\t\r\n\0é";
        for (int i = 0; i < 3000; i++)
        {
            var chars = src.ToCharArray();
            for (int k = rng.Next(1, 4); k > 0; k--) chars[rng.Next(chars.Length)] = alphabet[rng.Next(alphabet.Length)];
            var s = new string(chars, 0, rng.Next(2) == 0 ? chars.Length : rng.Next(chars.Length));
            if (IceCandidate.TryParse(s, out var c)) Assert.True(IceCandidate.TryParse(c!.ToString(), out _));
        }
    }
}
