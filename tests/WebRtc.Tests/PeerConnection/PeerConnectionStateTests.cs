using WebRtcBridge.WebRtc.Sdp;

namespace WebRtcBridge.WebRtc.Tests.PeerConnection;

using PeerConnection = WebRtcBridge.WebRtc.PeerConnection;

/// <summary>Negotiation errors, the state machine, and consent failure of a vanished peer.</summary>
[Collection(PeerConnectionCollection.Name)]
public class PeerConnectionStateTests
{
    private static async Task<string> ClientOfferAsync()
    {
        await using var client = new PeerConnection(PeerPair.LoopbackOptions());
        return await client.CreateOfferAsync();
    }

    [Theory(Timeout = 60_000)]
    [InlineData("a=rtpmap:96 VP8/90000", "a=rtpmap:96 H264/90000", "VP8")]
    [InlineData("a=rtcp-mux", null, "rtcp-mux")]
    [InlineData("a=fingerprint:", null, "fingerprint")]
    public async Task AcceptOffer_MissingFeature_ThrowsNegotiationExceptionNamingIt(string line, string? replacement, string named)
    {
        string offer = await ClientOfferAsync();
        var lines = offer.Split("\r\n").ToList();
        int index = lines.FindIndex(l => l.StartsWith(line, StringComparison.Ordinal));
        Assert.True(index >= 0, "offer has " + line);
        if (replacement is null) lines.RemoveAt(index);
        else lines[index] = replacement;
        await using var server = new PeerConnection(PeerPair.LoopbackOptions());
        var e = await Assert.ThrowsAsync<SdpNegotiationException>(() => server.AcceptOfferAsync(string.Join("\r\n", lines)));
        Assert.Contains(named, e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(PeerConnectionState.New, server.ConnectionState);
    }

    [Fact(Timeout = 60_000)]
    public async Task StateTransitions_NewConnectingConnectedClosed_ObservedViaEvents()
    {
        var pair = new PeerPair();
        var serverStates = Record(pair.Server);
        var clientStates = Record(pair.Client);
        Assert.Equal(PeerConnectionState.New, pair.Server.ConnectionState);
        await pair.ConnectAsync();
        await pair.DisposeAsync();
        await pair.DisposeAsync(); // idempotent
        PeerConnectionState[] expected = [PeerConnectionState.Connecting, PeerConnectionState.Connected, PeerConnectionState.Closed];
        Assert.Equal(expected, Snapshot(clientStates)); // closed first
        // The server may see the client's close_notify before closing itself: Disconnected in between is legitimate.
        var server = Snapshot(serverStates).Where(s => s != PeerConnectionState.Disconnected).ToArray();
        Assert.Equal(expected, server);
        Assert.Equal(PeerConnectionState.Closed, pair.Server.ConnectionState);
    }

    [Fact(Timeout = 60_000)]
    public async Task PeerCloses_OtherSideSeesDisconnected()
    {
        await using var pair = new PeerPair();
        await pair.ConnectAsync();
        var disconnected = PeerPair.WaitForState(pair.Server, PeerConnectionState.Disconnected);
        await pair.Client.CloseAsync();
        await disconnected.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Contains("close", pair.Server.FailureReason);
    }

    [Fact(Timeout = 60_000)]
    public async Task VanishedPeer_FailsAfterConsentTimeout()
    {
        var options = PeerPair.LoopbackOptions() with { ConsentTimeout = TimeSpan.FromSeconds(2) };
        await using var pair = new PeerPair(options, options);
        await pair.ConnectAsync();
        // Stay connected past the timeout while consent checks flow (client checks every 400 ms)...
        var serverFailed = PeerPair.WaitForState(pair.Server, PeerConnectionState.Failed);
        var clientFailed = PeerPair.WaitForState(pair.Client, PeerConnectionState.Failed);
        await Task.WhenAny(serverFailed, Task.Delay(TimeSpan.FromSeconds(3)));
        Assert.Equal(PeerConnectionState.Connected, pair.Server.ConnectionState);
        // ...then the client vanishes silently: nothing it sends arrives any more.
        pair.Client.Filter = (_, outgoing) => outgoing;
        await serverFailed.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Contains("consent", pair.Server.FailureReason);
        // The client gets no consent responses either.
        await clientFailed.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Contains("consent", pair.Client.FailureReason);
    }

    [Fact(Timeout = 60_000)]
    public async Task WrongFingerprintInAnswer_ClientFailsWithReason()
    {
        await using var pair = new PeerPair();
        var failed = PeerPair.WaitForState(pair.Client, PeerConnectionState.Failed);
        string offer = await pair.Client.CreateOfferAsync();
        string answer = await pair.Server.AcceptOfferAsync(offer);
        // Flip one hex digit of the server's fingerprint: the DTLS client must reject the server's certificate (RFC 8122 §5).
        var lines = answer.Split("\r\n");
        int i = Array.FindIndex(lines, l => l.StartsWith("a=fingerprint:", StringComparison.Ordinal));
        char last = lines[i][^1];
        lines[i] = lines[i][..^1] + (last == '0' ? '1' : '0');
        await pair.Client.SetRemoteAnswerAsync(string.Join("\r\n", lines));
        await failed.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains("fingerprint", pair.Client.FailureReason);
        Assert.Equal(0, pair.Client.GetStats().FramesReceived);
    }

    [Fact(Timeout = 60_000)]
    public async Task UnreachableServer_ClientFailsAfterIceTimeout()
    {
        var options = PeerPair.LoopbackOptions() with { IceConnectTimeout = TimeSpan.FromSeconds(2) };
        await using var pair = new PeerPair(client: options);
        var failed = PeerPair.WaitForState(pair.Client, PeerConnectionState.Failed);
        string offer = await pair.Client.CreateOfferAsync();
        string answer = await pair.Server.AcceptOfferAsync(offer);
        pair.Server.Filter = (_, outgoing) => !outgoing; // the server hears checks but its answers never leave
        await pair.Client.SetRemoteAnswerAsync(answer);
        await failed.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains("ICE", pair.Client.FailureReason);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("chrome")]
    [InlineData("firefox")]
    [InlineData("aiortc")]
    public async Task BrowserOffers_AreAnsweredAsIceLitePassiveWithOurCandidate(string peer)
    {
        string offer = peer switch
        {
            "chrome" => WebRtcBridge.WebRtc.Tests.Sdp.SdpTestOffers.Chrome,
            "firefox" => WebRtcBridge.WebRtc.Tests.Sdp.SdpTestOffers.Firefox,
            _ => WebRtcBridge.WebRtc.Tests.Sdp.SdpTestOffers.Aiortc,
        };
        await using var server = new PeerConnection(PeerPair.LoopbackOptions() with { AnnouncedAddress = System.Net.IPAddress.Parse("203.0.113.7") });
        var states = Record(server);
        string answer = await server.AcceptOfferAsync(offer);
        Assert.Contains("a=ice-lite", answer);
        Assert.Contains("a=setup:passive", answer);
        Assert.Contains("a=rtcp-mux", answer);
        int port = server.LocalEndPoint.Port;
        Assert.Contains($"127.0.0.1 {port} typ host", answer);
        Assert.Contains($"203.0.113.7 {port} typ host", answer); // the 1:1 NAT address, same port
        Assert.Equal(2, server.LocalCandidates.Count);
        await PeerConnectionLoopbackTests.WaitUntilAsync(() => Snapshot(states).Contains(PeerConnectionState.Connecting), TimeSpan.FromSeconds(10));
        Assert.Equal(PeerConnectionState.Connecting, server.ConnectionState);
        await Assert.ThrowsAsync<InvalidOperationException>(() => server.AcceptOfferAsync(offer)); // one description per connection
    }

    [Fact(Timeout = 60_000)]
    public async Task MalformedOffer_ThrowsSdpException()
    {
        await using var server = new PeerConnection(PeerPair.LoopbackOptions());
        await Assert.ThrowsAnyAsync<SdpException>(() => server.AcceptOfferAsync("this is not sdp"));
    }

    [Fact(Timeout = 60_000)]
    public async Task SendFrame_BeforeConnected_IsCountedNotSent()
    {
        await using var pc = new PeerConnection(PeerPair.LoopbackOptions());
        using var frame = WebRtcBridge.WebRtc.Media.VideoFrame.Create(64, 64);
        pc.SendFrame(frame);
        Assert.Equal(1, pc.GetStats().FramesNotSent);
        Assert.Single(pc.LocalCandidates);
        Assert.Contains("127.0.0.1", pc.LocalCandidates[0]);
    }

    private static List<PeerConnectionState> Record(PeerConnection pc)
    {
        var list = new List<PeerConnectionState>();
        pc.ConnectionStateChanged += s => { lock (list) list.Add(s); };
        return list;
    }

    private static PeerConnectionState[] Snapshot(List<PeerConnectionState> list)
    {
        lock (list) return list.ToArray();
    }
}
