using System.Net;
using System.Text;
using WebRtcBridge.WebRtc.Ice;
using static WebRtcBridge.WebRtc.Tests.Ice.IceLiteAgentTests;

namespace WebRtcBridge.WebRtc.Tests.Ice;

// Replays, retransmissions, per-address consent and verified switching (RFC 8445 §7.3, RFC 7675).
public class IceLiteAbuseTests
{
    private const string ClientPwd = "cliPassword0123456789abcd";
    private static readonly IPEndPoint A = new(IPAddress.Parse("10.255.0.2"), 1111);
    private static readonly IPEndPoint B = new(IPAddress.Parse("10.255.0.3"), 2222);
    private static readonly IPEndPoint C = new(IPAddress.Parse("10.255.0.4"), 3333);

    private static IceLiteAgent Agent() => new(ServerUfrag, ServerPwd, ClientUfrag) { RemotePassword = ClientPwd };

    // The peer's success response to our return-path check (what a full agent sends back, RFC 8445 §7.3.1.4).
    private static byte[] Answer(ReadOnlySpan<byte> request, IPEndPoint mapped, string pwd = ClientPwd)
    {
        Assert.True(StunMessage.TryParse(request, out var m));
        var buf = new byte[256];
        var w = new StunMessageWriter(buf, StunMessageType.BindingSuccessResponse, m.TransactionId);
        w.AddXorMappedAddress(mapped);
        w.AddMessageIntegrity(Encoding.UTF8.GetBytes(pwd));
        w.AddFingerprint();
        return buf[..w.Length];
    }

    private static IceLiteAgent ConnectedOnA()
    {
        var agent = Agent();
        Send(agent, Check(useCandidate: true), 0, A);
        agent.ConfirmSelectedPath(); // DTLS completed over A
        return agent;
    }

    [Fact]
    public void RequestReplayedFromAnotherAddress_Dropped_NeitherNominatesNorValidates()
    {
        var agent = Agent();
        var nomination = Check(useCandidate: true);
        Assert.Equal(IceLiteResult.Success, Send(agent, nomination, 0, A).Result);
        var (result, resp) = Send(agent, nomination, 10, B); // the same bytes, valid tag, another source
        Assert.Equal(IceLiteResult.Dropped, result);
        Assert.Empty(resp);
        Assert.Equal(1, agent.ReplayedRequests);
        Assert.Equal(A, agent.SelectedEndpoint);
        Assert.False(agent.IsValidSource(B));
    }

    [Fact]
    public void Retransmission_AnsweredAgain_ButDoesNotRefreshConsent()
    {
        var agent = Agent();
        var check = Check(useCandidate: true);
        Send(agent, check, 0, A);
        Assert.Equal(IceLiteResult.Success, Send(agent, check, 29_000, A).Result);
        Assert.Equal(1, agent.RetransmittedRequests);
        agent.Tick(30_000);
        Assert.Equal(IceState.Failed, agent.State); // an old request repeated is no proof the peer is still there
    }

    [Fact]
    public void Consent_IsPerAddress_ChecksFromAnotherAddressDoNotKeepTheSelectedOneAlive()
    {
        var agent = ConnectedOnA();
        for (long t = 5_000; t < 30_000; t += 5_000) Send(agent, Check(), t, B);
        agent.Tick(29_999);
        Assert.Equal(IceState.Connected, agent.State);
        agent.Tick(30_000);
        Assert.Equal(IceState.Failed, agent.State);
    }

    [Fact]
    public void IdleNonSelectedAddress_ForgottenAfterConsentTimeout()
    {
        var agent = ConnectedOnA();
        Send(agent, Check(), 1_000, B);
        Assert.True(agent.IsValidSource(B));
        for (long t = 5_000; t <= 35_000; t += 5_000) { Send(agent, Check(), t, A); agent.Tick(t); }
        Assert.Equal(IceState.Connected, agent.State);
        Assert.False(agent.IsValidSource(B));
        Assert.True(agent.IsValidSource(A));
    }

    [Fact]
    public void BeforeConfirmation_LatestNominationStillWins()
    {
        var agent = Agent();
        Send(agent, Check(useCandidate: true), 0, A);
        Send(agent, Check(useCandidate: true), 10, B);
        Assert.Equal(B, agent.SelectedEndpoint);
        Assert.False(agent.TryTakeReturnPathCheck(new byte[256], out _));
    }

    [Fact]
    public void AfterConfirmation_UnverifiedNomination_DoesNotMoveMedia_UntilThePeerAnswersFromThere()
    {
        var agent = ConnectedOnA();
        var moved = new List<IPEndPoint>();
        agent.SelectedEndpointChanged += moved.Add;

        var (result, _) = Send(agent, Check(useCandidate: true), 1_000, B); // valid tag, USE-CANDIDATE, from B
        Assert.Equal(IceLiteResult.Success, result);
        Assert.Equal(A, agent.SelectedEndpoint);
        Assert.Equal(1, agent.NominationsDeferred);

        var check = new byte[256];
        Assert.True(agent.TryTakeReturnPathCheck(check, out int n));
        Assert.False(agent.TryTakeReturnPathCheck(check, out _)); // taken once
        Assert.True(StunMessage.TryParse(check.AsSpan(0, n), out var m));
        Assert.Equal(StunMessageType.BindingRequest, m.MessageType);
        Assert.Equal(ClientUfrag + ":" + ServerUfrag, m.GetUsername());
        Assert.True(m.VerifyMessageIntegrity(Encoding.UTF8.GetBytes(ClientPwd)));
        Assert.True(m.VerifyFingerprint());
        Assert.NotNull(m.IceControlled);
        var answer = Answer(check.AsSpan(0, n), B);

        // An answer from anywhere but B, or signed with the wrong key, proves nothing.
        Send(agent, answer, 1_010, C);
        Send(agent, Answer(check.AsSpan(0, n), B, pwd: ServerPwd), 1_010, B);
        Assert.Equal(A, agent.SelectedEndpoint);
        // Another nomination within the interval: no second check (one per address per 500 ms, only on requests).
        Send(agent, Check(useCandidate: true), 1_100, B);
        Assert.False(agent.TryTakeReturnPathCheck(check, out _));

        Send(agent, answer, 1_200, B);
        Assert.Equal(B, agent.SelectedEndpoint);
        Assert.Equal([B], moved);
        Assert.Equal(1, agent.ReturnPathsVerified);

        // Verified now: the peer may move back and forth between verified addresses at once.
        Send(agent, Check(useCandidate: true), 2_000, A);
        Assert.Equal(A, agent.SelectedEndpoint);
    }

    [Fact]
    public void LaterNominationOfTheCurrentPath_CancelsAPendingOne()
    {
        var agent = ConnectedOnA();
        Send(agent, Check(useCandidate: true), 1_000, B);
        var check = new byte[256];
        Assert.True(agent.TryTakeReturnPathCheck(check, out int n));
        Send(agent, Check(useCandidate: true), 1_100, A); // the peer settles on A again
        Send(agent, Answer(check.AsSpan(0, n), B), 1_200, B);
        Assert.Equal(A, agent.SelectedEndpoint); // B is verified now, but no longer nominated
    }

    [Fact]
    public void WithoutThePeersPassword_NothingIsVerified_MediaStays()
    {
        var agent = new IceLiteAgent(ServerUfrag, ServerPwd, ClientUfrag);
        Send(agent, Check(useCandidate: true), 0, A);
        agent.ConfirmSelectedPath();
        Send(agent, Check(useCandidate: true), 1_000, B);
        Assert.False(agent.TryTakeReturnPathCheck(new byte[256], out _));
        Assert.Equal(A, agent.SelectedEndpoint);
    }

    [Fact]
    public void TransactionCache_IsBounded_OldIdsForgotten()
    {
        var agent = Agent();
        var first = Check(useCandidate: true);
        Send(agent, first, 0, A);
        for (int i = 0; i < StunTransactionCache.Capacity; i++) Send(agent, Check(), i, A);
        Assert.Equal(IceLiteResult.Success, Send(agent, first, 100, B).Result); // evicted from the cache: treated as new
        Assert.Equal(0, agent.ReplayedRequests);
    }
}

public class IceLiteReturnPathRateTests
{
    [Fact]
    public void ManySpoofedNominations_YieldAtMostTenChecksPerSecond()
    {
        var agent = new IceLiteAgent(IceLiteAgentTests.ServerUfrag, IceLiteAgentTests.ServerPwd, IceLiteAgentTests.ClientUfrag) { RemotePassword = "cliPassword0123456789abcd" };
        var a = new System.Net.IPEndPoint(System.Net.IPAddress.Parse("10.255.0.2"), 1111);
        IceLiteAgentTests.Send(agent, IceLiteAgentTests.Check(useCandidate: true), 0, a);
        agent.ConfirmSelectedPath();
        int checks = 0;
        var buffer = new byte[256];
        for (int i = 0; i < 1000; i++) // 1000 nominations in one second, each from another address
        {
            var from = new System.Net.IPEndPoint(System.Net.IPAddress.Parse("10.1.0.1"), 2000 + i);
            IceLiteAgentTests.Send(agent, IceLiteAgentTests.Check(useCandidate: true), 1_000 + i, from);
            if (agent.TryTakeReturnPathCheck(buffer, out _)) checks++;
        }
        Assert.InRange(checks, 1, 1000 / IceLiteAgent.ReturnPathCheckSpacingMs);
        Assert.Equal(a, agent.SelectedEndpoint);
    }
}
