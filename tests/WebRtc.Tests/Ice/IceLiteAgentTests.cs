using System.Net;
using System.Text;
using WebRtcBridge.WebRtc.Ice;

namespace WebRtcBridge.WebRtc.Tests.Ice;

public class IceLiteAgentTests
{
    internal const string ServerUfrag = "srvU", ServerPwd = "srvPassword0123456789abcd";
    internal const string ClientUfrag = "cliU";
    private static readonly IPEndPoint Browser = new(IPAddress.Parse("10.255.0.2"), 50000);

    // A browser-like check: USERNAME srv:cli, PRIORITY, ICE-CONTROLLING, [USE-CANDIDATE], MI, FINGERPRINT.
    internal static byte[] Check(string username = ServerUfrag + ":" + ClientUfrag, string pwd = ServerPwd,
        bool useCandidate = false, bool controlled = false, bool priority = true, bool integrity = true,
        bool fingerprint = true, ushort extraAttribute = 0, byte[]? tid = null)
    {
        var buf = new byte[512];
        tid ??= Guid.NewGuid().ToByteArray()[..12];
        var w = new StunMessageWriter(buf, StunMessageType.BindingRequest, tid);
        w.AddText(StunAttributeType.Username, username);
        if (extraAttribute != 0) w.AddUInt32(extraAttribute, 1);
        if (priority) w.AddUInt32(StunAttributeType.Priority, 1853824767);
        if (controlled) w.AddUInt64(StunAttributeType.IceControlled, 42);
        else w.AddUInt64(StunAttributeType.IceControlling, 43);
        if (useCandidate) w.AddFlag(StunAttributeType.UseCandidate);
        if (integrity) w.AddMessageIntegrity(Encoding.UTF8.GetBytes(pwd));
        if (fingerprint) w.AddFingerprint();
        return buf[..w.Length];
    }

    internal static (IceLiteResult Result, byte[] Response) Send(IceLiteAgent agent, byte[] request, long now, IPEndPoint? from = null)
    {
        var resp = new byte[IceLiteAgent.MinResponseBufferSize];
        var r = agent.HandleStunRequest(request, from ?? Browser, resp, out int len, now);
        return (r, resp[..len]);
    }

    [Fact]
    public void ValidCheck_AnsweredWithSignedXorMappedAddress()
    {
        var agent = new IceLiteAgent(ServerUfrag, ServerPwd, ClientUfrag);
        var tid = Convert.FromHexString("0102030405060708090a0b0c");
        var (result, resp) = Send(agent, Check(tid: tid), 1000);

        Assert.Equal(IceLiteResult.Success, result);
        Assert.True(StunMessage.TryParse(resp, out var m));
        Assert.Equal(StunMessageType.BindingSuccessResponse, m.MessageType);
        Assert.Equal(tid, m.TransactionId.ToArray());
        Assert.True(m.VerifyMessageIntegrity(Encoding.UTF8.GetBytes(ServerPwd)));
        Assert.True(m.VerifyFingerprint());
        Assert.True(m.TryGetXorMappedAddress(out var mapped));
        Assert.Equal(Browser, mapped);
        Assert.Equal(IceState.Connected, agent.State);
        Assert.Equal(Browser, agent.SelectedEndpoint); // first valid tuple carries media until nomination
        Assert.False(agent.IsNominated);
        Assert.True(agent.IsValidSource(Browser));
        Assert.False(agent.IsValidSource(new IPEndPoint(IPAddress.Parse("10.255.0.9"), 50000)));
        Assert.Equal(1, agent.SuccessResponses);
    }

    [Fact]
    public void ValidCheck_IPv6Source_Mapped()
    {
        var agent = new IceLiteAgent(ServerUfrag, ServerPwd, ClientUfrag);
        var v6 = new IPEndPoint(IPAddress.Parse("fd00::2"), 40000);
        var (result, resp) = Send(agent, Check(), 0, v6);
        Assert.Equal(IceLiteResult.Success, result);
        Assert.True(StunMessage.TryParse(resp, out var m));
        Assert.True(m.TryGetXorMappedAddress(out var mapped));
        Assert.Equal(v6, mapped);
    }

    [Fact]
    public void RemoteUfragUnknown_AnyPeerUfragAccepted()
    {
        var agent = new IceLiteAgent(ServerUfrag, ServerPwd);
        Assert.Equal(IceLiteResult.Success, Send(agent, Check(ServerUfrag + ":whatever"), 0).Result);
    }

    [Theory]
    [InlineData("srvX:cliU")]   // not our ufrag
    [InlineData("srvU:other")]  // not the remote ufrag from the offer
    [InlineData("srvU")]
    public void WrongUsername_DroppedSilently_NoReflectedError(string username)
    {
        var agent = new IceLiteAgent(ServerUfrag, ServerPwd, ClientUfrag);
        var (result, resp) = Send(agent, Check(username), 0);
        Assert.Equal(IceLiteResult.Dropped, result);
        Assert.Empty(resp);
        Assert.Equal(1, agent.DroppedUnauthenticated);
        Assert.NotEqual(IceState.Connected, agent.State);
        Assert.Null(agent.SelectedEndpoint);
    }

    [Fact]
    public void WrongPassword_DroppedSilently()
    {
        var agent = new IceLiteAgent(ServerUfrag, ServerPwd, ClientUfrag);
        var (result, resp) = Send(agent, Check(pwd: "notTheServerPassword0123"), 0);
        Assert.Equal(IceLiteResult.Dropped, result);
        Assert.Empty(resp);
        Assert.Equal(1, agent.DroppedUnauthenticated);
        Assert.Null(agent.SelectedEndpoint);
    }

    [Fact]
    public void BadFingerprint_Dropped()
    {
        var agent = new IceLiteAgent(ServerUfrag, ServerPwd, ClientUfrag);
        var req = Check();
        req[^1] ^= 0xFF;
        var (result, resp) = Send(agent, req, 0);
        Assert.Equal(IceLiteResult.Dropped, result);
        Assert.Empty(resp);
        Assert.Equal(1, agent.DroppedBadFingerprint);
    }

    [Fact]
    public void MissingPriority_400Signed()
    {
        var agent = new IceLiteAgent(ServerUfrag, ServerPwd, ClientUfrag);
        var (result, resp) = Send(agent, Check(priority: false), 0);
        AssertError(result, resp, 400, signed: true);
        Assert.Equal(1, agent.BadRequests);
        Assert.Null(agent.SelectedEndpoint);
    }

    [Theory]
    [InlineData(false, true)]  // no MESSAGE-INTEGRITY
    [InlineData(true, false)]  // no FINGERPRINT
    public void MissingIntegrityOrFingerprint_DroppedSilently(bool integrity, bool fingerprint)
    {
        var agent = new IceLiteAgent(ServerUfrag, ServerPwd, ClientUfrag);
        var (result, resp) = Send(agent, Check(integrity: integrity, fingerprint: fingerprint), 0);
        Assert.Equal(IceLiteResult.Dropped, result);
        Assert.Empty(resp);
        Assert.Equal(1, agent.DroppedUnauthenticated);
        Assert.Equal(0, agent.BadRequests);
        Assert.Null(agent.SelectedEndpoint);
    }

    [Fact]
    public void PeerClaimsControlled_487Signed()
    {
        var agent = new IceLiteAgent(ServerUfrag, ServerPwd, ClientUfrag);
        var (result, resp) = Send(agent, Check(controlled: true), 0);
        AssertError(result, resp, 487, signed: true);
        Assert.Equal(1, agent.RoleConflicts);
        Assert.Null(agent.SelectedEndpoint);
    }

    [Fact]
    public void UnknownRequiredAttribute_420WithList()
    {
        var agent = new IceLiteAgent(ServerUfrag, ServerPwd, ClientUfrag);
        var (result, resp) = Send(agent, Check(extraAttribute: 0x0031), 0);
        AssertError(result, resp, 420, signed: true);
        Assert.Equal(1, agent.UnknownAttributes);
    }

    [Fact]
    public void ResponsesAndGarbage_Dropped()
    {
        var agent = new IceLiteAgent(ServerUfrag, ServerPwd, ClientUfrag);
        Assert.Equal(IceLiteResult.Dropped, Send(agent, Rfc5769Vectors.ResponseIPv4, 0).Result);
        Assert.Equal(IceLiteResult.Dropped, Send(agent, [0, 1, 2, 3], 0).Result);
        Assert.Equal(2, agent.DroppedMalformed);
    }

    [Fact]
    public void UseCandidate_SelectsTuple_LatestNominationWins()
    {
        var agent = new IceLiteAgent(ServerUfrag, ServerPwd, ClientUfrag);
        var selected = new List<IPEndPoint>();
        var states = new List<IceState>();
        agent.SelectedEndpointChanged += selected.Add;
        agent.StateChanged += states.Add;
        var a = new IPEndPoint(IPAddress.Parse("10.255.0.2"), 1111);
        var b = new IPEndPoint(IPAddress.Parse("10.255.0.2"), 2222);

        Send(agent, Check(), 0, a);              // valid, not nominated: a carries media
        Send(agent, Check(), 10, b);             // second valid tuple, selection unchanged
        Assert.Equal(a, agent.SelectedEndpoint);
        Assert.False(agent.IsNominated);

        Send(agent, Check(useCandidate: true), 20, b); // regular nomination of b
        Assert.Equal(b, agent.SelectedEndpoint);
        Assert.True(agent.IsNominated);
        Send(agent, Check(useCandidate: true), 30, b); // repeat: no new event
        Assert.Equal([a, b], selected);
        Assert.Equal([IceState.Checking, IceState.Connected], states);
    }

    [Fact]
    public void TupleTable_Bounded_SelectedNeverEvicted_CallerEndPointNotAliased()
    {
        var agent = new IceLiteAgent(ServerUfrag, ServerPwd, ClientUfrag);
        var reused = new IPEndPoint(IPAddress.Parse("10.255.0.2"), 1000);
        Send(agent, Check(useCandidate: true), 0, reused);
        reused.Port = 999; // a socket loop reusing its end point object must not move our selection
        Assert.Equal(1000, agent.SelectedEndpoint!.Port);
        for (int p = 2000; p < 2000 + 3 * IceLiteAgent.MaxValidTuples; p++)
            Send(agent, Check(), p, new IPEndPoint(IPAddress.Parse("10.255.0.2"), p));
        Assert.True(agent.TuplesEvicted > 0);
        Assert.True(agent.IsValidSource(new IPEndPoint(IPAddress.Parse("10.255.0.2"), 1000)));
        Assert.Equal(1000, agent.SelectedEndpoint!.Port);
        Assert.False(agent.IsValidSource(new IPEndPoint(IPAddress.Parse("10.255.0.2"), 2000))); // evicted
    }

    [Fact]
    public void AggressiveNomination_FirstCheckSelects()
    {
        var agent = new IceLiteAgent(ServerUfrag, ServerPwd, ClientUfrag);
        Send(agent, Check(useCandidate: true), 0);
        Assert.True(agent.IsNominated);
        Assert.Equal(Browser, agent.SelectedEndpoint);
    }

    [Fact]
    public void Consent_ExpiresAfter30sWithoutValidCheck()
    {
        var agent = new IceLiteAgent(ServerUfrag, ServerPwd, ClientUfrag);
        Assert.False(agent.IsConsentExpired(0));          // nothing yet: not "expired"
        Send(agent, Check(useCandidate: true), 1_000);
        Send(agent, Check(), 6_000);                        // consent refresh
        Send(agent, Check(pwd: "notTheServerPassword0123"), 20_000); // invalid: does not refresh
        Assert.False(agent.IsConsentExpired(35_999));
        agent.Tick(35_999);
        Assert.Equal(IceState.Connected, agent.State);
        Assert.True(agent.IsConsentExpired(36_000));
        agent.Tick(36_000);
        Assert.Equal(IceState.Failed, agent.State);
        Assert.False(agent.IsValidSource(Browser));
        Assert.Equal(IceLiteResult.Dropped, Send(agent, Check(), 36_001).Result);
    }

    [Fact]
    public void NoValidCheck_FailsAfterConnectTimeout()
    {
        var agent = new IceLiteAgent(ServerUfrag, ServerPwd, ClientUfrag) { ConnectTimeoutMs = 10_000 };
        agent.Tick(0);
        agent.Tick(9_999);
        Assert.Equal(IceState.New, agent.State);
        agent.Tick(10_000);
        Assert.Equal(IceState.Failed, agent.State);
    }

    [Fact]
    public void GeneratedCredentials_HaveRfcLengths()
    {
        var agent = new IceLiteAgent();
        Assert.True(IceCredentials.IsValid(agent.LocalUfrag, 4));
        Assert.True(IceCredentials.IsValid(agent.LocalPwd, 22));
        Assert.NotEqual(agent.LocalPwd, new IceLiteAgent().LocalPwd);
    }

    [Fact]
    public void Mutation_RandomCorruptChecks_NeverThrowNorSelect()
    {
        var rng = new Random(8445);
        var agent = new IceLiteAgent(ServerUfrag, ServerPwd, ClientUfrag);
        var resp = new byte[IceLiteAgent.MinResponseBufferSize];
        var valid = Check(useCandidate: true);
        int success = 0;
        for (int i = 0; i < 3000; i++)
        {
            var data = StunMessageTests.Mutate(rng, valid);
            if (agent.HandleStunRequest(data, Browser, resp, out int len, i) == IceLiteResult.Success)
            {
                success++;
                Assert.Equal(valid, data); // every byte is covered by MESSAGE-INTEGRITY/FINGERPRINT
            }
            if (len > 0) Assert.True(StunMessage.TryParse(resp.AsSpan(0, len), out _));
        }
        Assert.True(agent.DroppedBadFingerprint + agent.DroppedMalformed + agent.DroppedUnauthenticated + agent.BadRequests > 2500);
    }

    internal static void AssertError(IceLiteResult result, byte[] resp, int code, bool signed)
    {
        Assert.Equal(IceLiteResult.ErrorResponse, result);
        Assert.True(StunMessage.TryParse(resp, out var m));
        Assert.Equal(StunMessageType.BindingErrorResponse, m.MessageType);
        Assert.Equal(code, m.ErrorCode);
        Assert.True(m.VerifyFingerprint());
        Assert.Equal(signed, m.HasMessageIntegrity);
        if (signed) Assert.True(m.VerifyMessageIntegrity(Encoding.UTF8.GetBytes(ServerPwd)));
    }
}

public class IceLiteAgentAllocationTests
{
    [Fact]
    public void HotPath_KnownTuple_DoesNotAllocate()
    {
        var agent = new IceLiteAgent("srvU", "srvPassword0123456789abcd", "cliU");
        var from = new IPEndPoint(IPAddress.Parse("10.255.0.2"), 50000);
        var request = IceLiteAgentTests.Check(useCandidate: true);
        var resp = new byte[IceLiteAgent.MinResponseBufferSize];
        for (int i = 0; i < 100; i++) agent.HandleStunRequest(request, from, resp, out _, i); // warm up, learn the tuple
        long before = GC.GetAllocatedBytesForCurrentThread();
        int ok = 0;
        for (int i = 0; i < 1000; i++)
            if (agent.HandleStunRequest(request, from, resp, out _, 100 + i) == IceLiteResult.Success) ok++;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(1000, ok);
        Assert.True(allocated < 1000, $"allocated {allocated} bytes for 1000 checks");
    }
}
