using System.Net;
using System.Text;
using WebRtcBridge.WebRtc.Ice;

namespace WebRtcBridge.WebRtc.Tests.Ice;

/// <summary>
/// Our controlling agent answers a full peer's own connectivity checks (RFC 8445 §7.3), as aiortc's answerer needs:
/// a valid check gets a signed success response carrying the sender's address; anything unverifiable gets nothing.
/// </summary>
public sealed class IceControllingAgentFullPeerTests
{
    private static readonly IPEndPoint Peer = new(IPAddress.Parse("10.255.0.2"), 51000);

    private static byte[] Check(string username, string pwd, bool fingerprint = true, byte[]? transactionId = null)
    {
        var buffer = new byte[512];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, transactionId ?? Enumerable.Range(1, 12).Select(i => (byte)i).ToArray());
        writer.AddText(StunAttributeType.Username, username);
        writer.AddUInt32(StunAttributeType.Priority, 1853824767);
        writer.AddUInt64(StunAttributeType.IceControlled, 42);
        writer.AddMessageIntegrity(Encoding.UTF8.GetBytes(pwd));
        if (fingerprint) writer.AddFingerprint();
        return buffer[..writer.Length];
    }

    [Fact]
    public void A_valid_check_from_a_full_peer_is_answered_with_a_signed_success_response()
    {
        var agent = new IceControllingAgent("ourUfrag", "ourPassword0123456789abcd");
        agent.SetRemoteCredentials("peerUfrg", "peerPassword0123456789ab");
        var response = new byte[512];
        agent.HandleStunMessage(Check("ourUfrag:peerUfrg", "ourPassword0123456789abcd"), Peer, 0, response, out var length);
        Assert.True(length > 0, "no response to a valid check");
        Assert.True(StunMessage.TryParse(response.AsSpan(0, length), out var message));
        Assert.Equal(StunMessageType.BindingSuccessResponse, message.MessageType);
        Assert.True(message.TransactionId.SequenceEqual(Enumerable.Range(1, 12).Select(i => (byte)i).ToArray()));
        Assert.True(message.VerifyMessageIntegrity(Encoding.UTF8.GetBytes("ourPassword0123456789abcd")));
        Assert.True(message.VerifyFingerprint());
        Assert.True(message.TryGetXorMappedAddress(out var mapped));
        Assert.Equal(Peer, mapped);
    }

    [Theory]
    [InlineData("ourUfrag:peerUfrg", "wrongPassword0123456789ab", true)]  // integrity fails
    [InlineData("someone:peerUfrg", "ourPassword0123456789abcd", true)]   // not our ufrag
    [InlineData("ourUfrag:peerUfrg", "ourPassword0123456789abcd", false)] // no FINGERPRINT
    public void Unverifiable_checks_are_dropped_without_a_response(string username, string pwd, bool fingerprint)
    {
        var agent = new IceControllingAgent("ourUfrag", "ourPassword0123456789abcd");
        agent.SetRemoteCredentials("peerUfrg", "peerPassword0123456789ab");
        var response = new byte[512];
        agent.HandleStunMessage(Check(username, pwd, fingerprint), Peer, 0, response, out var length);
        Assert.Equal(0, length);
    }

    [Fact]
    public void Random_garbage_never_throws_and_never_gets_a_response()
    {
        var agent = new IceControllingAgent("ourUfrag", "ourPassword0123456789abcd");
        agent.SetRemoteCredentials("peerUfrg", "peerPassword0123456789ab");
        var rng = new Random(5);
        var valid = Check("ourUfrag:peerUfrg", "ourPassword0123456789abcd");
        var response = new byte[512];
        for (var i = 0; i < 3000; i++)
        {
            var data = (byte[])valid.Clone();
            data[rng.Next(data.Length)] ^= (byte)rng.Next(1, 256);
            agent.HandleStunMessage(data, Peer, i, response, out var length);
            Assert.Equal(0, length);
        }
    }
}
