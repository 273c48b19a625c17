using System.Net;
using WebRtcBridge.WebRtc.Ice;

namespace WebRtcBridge.WebRtc.Tests.Ice;

public class IceControllingAgentTests
{
    private static readonly IPEndPoint ClientEp = new(IPAddress.Parse("10.255.0.2"), 40000);
    private static readonly IPEndPoint ServerEp = new(IPAddress.Parse("10.255.0.1"), 3478);

    private sealed class Harness
    {
        public readonly IceLiteAgent Server = new();
        public readonly IceControllingAgent Client;
        public readonly List<IceState> ClientStates = new();
        public int SentToServer, DroppedToServer, DroppedToClient;
        public Func<int, byte[], bool> DropToServer = (_, _) => false;   // (index, datagram) -> drop?
        public Func<int, byte[], bool> DropToClient = (_, _) => false;
        public long Now;

        public Harness(IceControllingOptions? options = null, bool serverCandidate = true)
        {
            Client = new IceControllingAgent(options: options, random: new Random(1));
            Client.StateChanged += ClientStates.Add;
            Client.SetRemoteCredentials(Server.LocalUfrag, Server.LocalPwd);
            Server.RemoteUfrag = Client.LocalUfrag;
            Client.AddLocalCandidate(IceCandidate.CreateHost(ClientEp));
            if (serverCandidate) Client.AddRemoteCandidate(IceCandidate.CreateHost(ServerEp));
        }

        // Runs the client's clock in 10 ms steps, piping datagrams through the lite server and back.
        public void RunUntil(long endMs, Func<bool>? stop = null)
        {
            var resp = new byte[IceLiteAgent.MinResponseBufferSize];
            for (; Now <= endMs; Now += 10)
            {
                Server.Tick(Now);
                foreach (var d in Client.Tick(Now))
                {
                    Assert.Equal(ClientEp, d.LocalEndPoint);
                    var bytes = d.Data.ToArray();
                    int index = SentToServer++;
                    if (DropToServer(index, bytes)) { DroppedToServer++; continue; }
                    var r = Server.HandleStunRequest(bytes, ClientEp, resp, out int len, Now);
                    if (r == IceLiteResult.Dropped) continue;
                    var answer = resp[..len];
                    if (DropToClient(index, answer)) { DroppedToClient++; continue; }
                    Client.HandleStunMessage(answer, d.RemoteEndPoint, Now);
                }
                if (stop?.Invoke() == true) return;
            }
        }
    }

    private static bool HasUseCandidate(byte[] d) => StunMessage.TryParse(d, out var m) && m.HasUseCandidate;

    [Fact]
    public void AgainstLiteAgent_ReachesConnected_WithRegularNomination()
    {
        var h = new Harness();
        var nominations = 0;
        h.DropToServer = (_, d) => { if (HasUseCandidate(d)) nominations++; return false; };
        h.RunUntil(2_000, () => h.Client.State == IceState.Connected);

        Assert.Equal(IceState.Connected, h.Client.State);
        Assert.Equal([IceState.Checking, IceState.Connected], h.ClientStates);
        Assert.Equal(ServerEp, h.Client.SelectedPair!.RemoteEndPoint);
        Assert.Equal(1, nominations);                  // one plain check, then one USE-CANDIDATE check
        Assert.Equal(2, h.Client.RequestsSent);
        Assert.Equal(0, h.Client.Retransmissions);
        Assert.Equal(IceState.Connected, h.Server.State);
        Assert.True(h.Server.IsNominated);
        Assert.Equal(ClientEp, h.Server.SelectedEndpoint);
        Assert.Equal(0, h.Server.BadRequests + h.Server.DroppedUnauthenticated + h.Server.RoleConflicts);
    }

    [Fact]
    public void ChecksCarryRequiredAttributes()
    {
        var client = new IceControllingAgent("cliU", "cliPassword0123456789abcd", tieBreaker: 0x1122334455667788);
        client.SetRemoteCredentials("srvU", "srvPassword0123456789abcd");
        client.AddLocalCandidate(IceCandidate.CreateHost(ClientEp));
        client.AddRemoteCandidate(IceCandidate.CreateHost(ServerEp));
        var out0 = client.Tick(0);
        var d = Assert.Single(out0);
        Assert.Equal(ServerEp, d.RemoteEndPoint);
        Assert.True(StunMessage.TryParse(d.Data.Span, out var m));
        Assert.Equal(StunMessageType.BindingRequest, m.MessageType);
        Assert.Equal("srvU:cliU", m.GetUsername());
        Assert.Equal(IceCandidate.ComputePriority(IceCandidateType.PeerReflexive), m.Priority);
        Assert.Equal(0x1122334455667788UL, m.IceControlling);
        Assert.Null(m.IceControlled);
        Assert.False(m.HasUseCandidate);
        Assert.True(m.VerifyMessageIntegrity("srvPassword0123456789abcd"u8));
        Assert.True(m.VerifyFingerprint());
    }

    [Fact]
    public void LostFirstCheck_Retransmits_StillConnects()
    {
        var h = new Harness();
        h.DropToServer = (i, _) => i == 0;
        h.RunUntil(5_000, () => h.Client.State == IceState.Connected);
        Assert.Equal(IceState.Connected, h.Client.State);
        Assert.Equal(1, h.DroppedToServer);
        Assert.True(h.Client.Retransmissions >= 1);
    }

    [Fact]
    public void LostNominationResponse_Retransmits_StillConnects()
    {
        var h = new Harness();
        bool droppedOne = false;
        h.DropToClient = (_, _) => false;
        h.DropToServer = (_, d) =>
        {
            if (!droppedOne && HasUseCandidate(d)) { droppedOne = true; return true; }
            return false;
        };
        h.RunUntil(5_000, () => h.Client.State == IceState.Connected);
        Assert.True(droppedOne);
        Assert.Equal(IceState.Connected, h.Client.State);
    }

    [Fact]
    public void RetransmissionSchedule_DoublesAndStopsAtRc_ThenFailsWithEndOfCandidates()
    {
        var opts = new IceControllingOptions { InitialRtoMs = 100, MaxTransmissions = 7, FinalWaitMultiplier = 16 };
        var client = new IceControllingAgent(options: opts);
        client.SetRemoteCredentials("srvU", "srvPassword0123456789abcd");
        client.AddLocalCandidate(IceCandidate.CreateHost(ClientEp));
        client.AddRemoteCandidate(IceCandidate.CreateHost(ServerEp));
        client.SetRemoteEndOfCandidates();
        var sendTimes = new List<long>();
        for (long t = 0; t <= 20_000 && client.State != IceState.Failed; t += 10)
            foreach (var _ in client.Tick(t)) sendTimes.Add(t);
        Assert.Equal([0L, 100, 300, 700, 1500, 3100, 6300], sendTimes);
        Assert.Equal(IceState.Failed, client.State);
        Assert.Equal(IceCandidatePairState.Failed, Assert.Single(client.Pairs).State);
    }

    [Fact]
    public void NoEndOfCandidates_FailsOnlyAtChecksTimeout()
    {
        var client = new IceControllingAgent(options: new IceControllingOptions { ChecksTimeoutMs = 15_000 });
        client.SetRemoteCredentials("srvU", "srvPassword0123456789abcd");
        client.AddLocalCandidate(IceCandidate.CreateHost(ClientEp));
        client.AddRemoteCandidate(IceCandidate.CreateHost(ServerEp));
        for (long t = 0; t < 15_000; t += 10) client.Tick(t);
        Assert.Equal(IceState.Checking, client.State); // the only pair failed, but more candidates may trickle in
        client.Tick(15_000);
        Assert.Equal(IceState.Failed, client.State);
    }

    [Fact]
    public void Consent_SentEvery4To6s_FailsAfter30sOfSilence()
    {
        var h = new Harness();
        h.RunUntil(1_000, () => h.Client.State == IceState.Connected);
        Assert.Equal(IceState.Connected, h.Client.State);
        long connectedAt = h.Now;
        int before = h.SentToServer;
        var consentTimes = new List<long>();
        h.DropToServer = (_, _) => { consentTimes.Add(h.Now); return false; };
        h.RunUntil(connectedAt + 60_000);
        Assert.Equal(IceState.Connected, h.Client.State); // answered consent keeps it alive
        Assert.InRange(consentTimes.Count, 10, 15);
        for (int i = 1; i < consentTimes.Count; i++)
            Assert.InRange(consentTimes[i] - consentTimes[i - 1], 4_000, 6_010);
        Assert.False(h.Server.IsConsentExpired(h.Now));

        // Now the server goes silent: the client fails 30 s after the last success.
        long silentFrom = h.Now;
        h.DropToServer = (_, _) => true;
        h.RunUntil(silentFrom + 40_000, () => h.Client.State == IceState.Failed);
        Assert.Equal(IceState.Failed, h.Client.State);
        Assert.InRange(h.Now - silentFrom, 24_000, 30_010);
        h.Server.Tick(h.Now + 30_000);
        Assert.Equal(IceState.Failed, h.Server.State); // and the lite side's consent expired too
    }

    [Fact]
    public void Responses_WrongPasswordOrTransaction_Dropped()
    {
        var client = new IceControllingAgent();
        client.SetRemoteCredentials("srvU", "srvPassword0123456789abcd");
        client.AddLocalCandidate(IceCandidate.CreateHost(ClientEp));
        client.AddRemoteCandidate(IceCandidate.CreateHost(ServerEp));
        var req = client.Tick(0)[0].Data.ToArray();
        Assert.True(StunMessage.TryParse(req, out var m));
        var tid = m.TransactionId.ToArray();

        // Signed with the wrong password.
        var forged = Response(tid, "notTheServerPassword0123");
        Assert.False(client.HandleStunMessage(forged, ServerEp, 10));
        Assert.Equal(1, client.DroppedBadIntegrity);
        // Unknown transaction.
        Assert.False(client.HandleStunMessage(Response(new byte[12], "srvPassword0123456789abcd"), ServerEp, 10));
        Assert.Equal(1, client.DroppedUnmatched);
        // The right one from the wrong address: non-symmetric, the pair fails.
        Assert.True(client.HandleStunMessage(Response(tid, "srvPassword0123456789abcd"), new IPEndPoint(ServerEp.Address, 9), 10));
        Assert.Equal(IceCandidatePairState.Failed, client.Pairs[0].State);
    }

    [Fact]
    public void RemoteCandidates_TcpMdnsAndDuplicatesIgnored_PairsOrderedByPriority()
    {
        var client = new IceControllingAgent();
        client.AddLocalCandidate(IceCandidate.CreateHost(ClientEp));
        Assert.True(IceCandidate.TryParse("candidate:1 1 tcp 1518280447 10.255.0.1 9 typ host tcptype active", out var tcp));
        Assert.True(IceCandidate.TryParse("candidate:2 1 udp 2122260223 1f4712db-ea17-4bcf-a596-105139dfd8bf.local 54400 typ host", out var mdns));
        Assert.True(IceCandidate.TryParse("candidate:3 1 udp 2122260223 fd00::1 54400 typ host", out var v6));
        Assert.False(client.AddRemoteCandidate(tcp!));
        Assert.False(client.AddRemoteCandidate(mdns!));
        Assert.True(client.AddRemoteCandidate(v6!));        // accepted, but no IPv6 local: no pair
        Assert.Empty(client.Pairs);
        Assert.True(client.AddRemoteCandidate(IceCandidate.CreateHost(ServerEp) with { Priority = 100 }));
        Assert.True(client.AddRemoteCandidate(IceCandidate.CreateHost(new IPEndPoint(ServerEp.Address, 4000))));
        Assert.False(client.AddRemoteCandidate(IceCandidate.CreateHost(ServerEp)));
        Assert.Equal(3, client.IgnoredRemoteCandidates);
        Assert.Equal(2, client.Pairs.Count);

        client.SetRemoteCredentials("srvU", "srvPassword0123456789abcd");
        var first = Assert.Single(client.Tick(0));
        Assert.Equal(4000, first.RemoteEndPoint.Port); // higher remote priority checked first
    }

    [Fact]
    public void OnlyUnusableRemoteCandidates_WithEndOfCandidates_Fails()
    {
        var client = new IceControllingAgent();
        client.SetRemoteCredentials("srvU", "srvPassword0123456789abcd");
        client.AddLocalCandidate(IceCandidate.CreateHost(ClientEp));
        Assert.True(IceCandidate.TryParse("candidate:2 1 udp 2122260223 abc.local 54400 typ host", out var mdns));
        Assert.False(client.AddRemoteCandidate(mdns!));
        Assert.Empty(client.Tick(0));
        Assert.Equal(IceState.New, client.State);   // more may trickle in
        client.SetRemoteEndOfCandidates();
        client.Tick(10);
        Assert.Equal(IceState.Failed, client.State);
    }

    [Fact]
    public void PairPriority_Formula()
    {
        // RFC 8445 §6.1.2.3 with G=controlling, D=controlled.
        Assert.Equal((5UL << 32) + 2 * 7UL + 1, IceCandidatePair.ComputePriority(7, 5));
        Assert.Equal((5UL << 32) + 2 * 7UL, IceCandidatePair.ComputePriority(5, 7));
    }

    [Fact]
    public void Mutated_Responses_NeverThrow()
    {
        var rng = new Random(7675);
        var h = new Harness();
        var captured = new List<byte[]>();
        h.DropToClient = (_, d) => { captured.Add(d); return false; };
        h.RunUntil(1_000, () => h.Client.State == IceState.Connected);
        Assert.NotEmpty(captured);
        for (int i = 0; i < 3000; i++)
            h.Client.HandleStunMessage(StunMessageTests.Mutate(rng, captured[i % captured.Count]), ServerEp, 1_000);
        Assert.Equal(IceState.Connected, h.Client.State);
    }

    private static byte[] Response(byte[] tid, string pwd)
    {
        var buf = new byte[128];
        var w = new StunMessageWriter(buf, StunMessageType.BindingSuccessResponse, tid);
        w.AddXorMappedAddress(ClientEp);
        w.AddMessageIntegrity(System.Text.Encoding.UTF8.GetBytes(pwd));
        w.AddFingerprint();
        return buf[..w.Length];
    }
}
