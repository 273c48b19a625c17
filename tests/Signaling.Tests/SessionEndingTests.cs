using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using WebRtcBridge.MediaRunner.WebRtcSessions;
using WebRtcBridge.Signaling.Endpoints;
using WebRtcBridge.Signaling.Hosting;
using WebRtcBridge.Signaling.Tests.Infrastructure;
using Xunit.Abstractions;

namespace WebRtcBridge.Signaling.Tests;

/// <summary>
/// Every way a <c>/webrtc</c> session ends closes the signaling socket with a close frame, a documented code and a
/// reason (README, "Close codes"), after an error message where it helps; never 1006. Endings from the media side
/// use our own client PeerConnection as the real peer, through a <see cref="UdpRelay"/> where the network must fail.
/// </summary>
[Collection(WebRtcCollection.Name)]
public sealed class SessionEndingTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int MaxSessions = 4;
    private static readonly TimeSpan MediaTimeout = TimeSpan.FromSeconds(3);
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>A server with short media timeouts (consent, DTLS handshake) and a 2 s offer deadline.</summary>
    private static Task<TestServer> StartAsync() => TestServer.StartAsync(EndingApp.Register, new Dictionary<string, string?>
    {
        ["Bridge:WebRtc:HostAddresses:0"] = "127.0.0.1",
        ["Bridge:MaxSessions"] = MaxSessions.ToString(),
        ["Bridge:WebRtc:OfferTimeoutSeconds"] = "2",
    }, configure: b => b.Services.AddSingleton(sp => new Lazy<WebRtcSessionOptions>(() =>
    {
        var o = WebRtcSessionSettings.From(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<BridgeOptions>>().Value,
            sp.GetRequiredService<LimitCounters>());
        return o with { PeerConnection = o.PeerConnection with { ConsentTimeout = MediaTimeout, DtlsHandshakeTimeout = MediaTimeout } };
    })));

    private static string? ErrorOf(IEnumerable<WsTestClient.Frame> frames)
        => frames.Where(f => f.Type == WebSocketMessageType.Text && f.Json.GetProperty("type").GetString() == "error")
            .Select(f => f.Json.GetProperty("error").GetString()).LastOrDefault();

    [Fact]
    public async Task A_client_close_frame_is_answered_with_1000()
    {
        await using var peer = await WebRtcTestPeer.ConnectAsync(_server);
        using var cts = new CancellationTokenSource(WsTestClient.Timeout);
        await peer.Ws.Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, peer.Ws.Socket.CloseStatus);
    }

    [Fact]
    public async Task A_close_message_ends_with_1000()
    {
        await using var peer = await WebRtcTestPeer.ConnectAsync(_server);
        await peer.Ws.SendTextAsync("""{"type":"close"}""");
        var (frames, status, reason) = await peer.Ws.ReadUntilCloseAsync();
        Assert.Equal(WebSocketCloseStatus.NormalClosure, status);
        Assert.Equal("client closed", reason);
        Assert.Null(ErrorOf(frames));
    }

    /// <summary>Issue 16's case: the peer ends the media first (DTLS close_notify); the client saw 1006 before.</summary>
    [Fact]
    public async Task The_peer_closing_the_media_ends_with_1000()
    {
        await using var peer = await WebRtcTestPeer.ConnectAsync(_server);
        await peer.Pc.CloseAsync();
        var (frames, status, reason) = await peer.Ws.ReadUntilCloseAsync();
        Assert.Equal(WebSocketCloseStatus.NormalClosure, status);
        Assert.Equal("peer closed the media connection", reason);
        Assert.Null(ErrorOf(frames));
    }

    [Fact]
    public async Task Lost_ice_consent_ends_with_an_error_and_4000()
    {
        UdpRelay? relay = null;
        await using var peer = await WebRtcTestPeer.ConnectAsync(_server, mediaPort: port => (relay = new UdpRelay(port)).Port);
        using var _ = relay;
        relay!.Drop = _ => true; // the peer vanishes: no consent checks reach the server any more
        var (frames, status, reason) = await peer.Ws.ReadUntilCloseAsync();
        Assert.Equal(4000, (int)status!);
        Assert.Equal("media failed", reason);
        Assert.StartsWith("ice_failed: ICE consent expired", ErrorOf(frames));
    }

    [Fact]
    public async Task A_dtls_failure_ends_with_an_error_and_4000()
    {
        UdpRelay? actual = null;
        await using var peer = await WebRtcTestPeer.ConnectAsync(_server, waitForMedia: false, mediaPort: port =>
        {
            actual = new UdpRelay(port) { Drop = UdpRelay.IsDtls }; // ICE passes, DTLS never completes
            return actual.Port;
        });
        using var __ = actual;
        var (frames, status, reason) = await peer.Ws.ReadUntilCloseAsync();
        Assert.Equal(4000, (int)status!);
        Assert.Equal("media failed", reason);
        Assert.StartsWith("media_failed: DTLS failed", ErrorOf(frames));
    }

    [Fact]
    public async Task The_app_ending_the_session_closes_with_1000_and_its_reason()
    {
        await using var peer = await WebRtcTestPeer.ConnectAsync(_server, "test/ending/webrtc");
        await peer.Ws.SendTextAsync("""{"type":"params","params":{"end":"done here"}}""");
        var (frames, status, reason) = await peer.Ws.ReadUntilCloseAsync();
        Assert.Equal(WebSocketCloseStatus.NormalClosure, status);
        Assert.Equal("done here", reason);
        Assert.Null(ErrorOf(frames));
    }

    [Fact]
    public async Task The_app_failing_the_session_sends_an_error_and_1011()
    {
        await using var peer = await WebRtcTestPeer.ConnectAsync(_server, "test/ending/webrtc");
        await peer.Ws.SendTextAsync("""{"type":"params","params":{"fail":"model lost"}}""");
        var (frames, status, reason) = await peer.Ws.ReadUntilCloseAsync();
        Assert.Equal(WebSocketCloseStatus.InternalServerError, status);
        Assert.Equal("app failed", reason);
        Assert.Equal("app_failed: model lost", ErrorOf(frames));
    }

    [Fact]
    public async Task Server_shutdown_closes_webrtc_and_realtime_sessions_with_1001()
    {
        await using var server = await StartAsync();
        await using var peer = await WebRtcTestPeer.ConnectAsync(server);
        await using var idle = await WebRtcTestPeer.OpenSignalingAsync(server); // no offer yet: no media either
        await using var realtime = await WsTestClient.ConnectAsync(server.WsUrl("bridge/echo/realtime"), "Key " + TestServer.Key);
        var stopping = server.StopAsync();
        foreach (var ws in new[] { peer.Ws, idle })
        {
            var (frames, status, reason) = await ws.ReadUntilCloseAsync();
            Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, status);
            Assert.Equal("server shutting down", reason);
            Assert.Equal("shutdown: the server is stopping", ErrorOf(frames));
        }
        var (_, rtStatus, rtReason) = await realtime.ReadUntilCloseAsync();
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, rtStatus);
        Assert.Equal("server shutting down", rtReason);
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Issue 9 item 2: idle sockets that never offer no longer hold every session slot.</summary>
    [Fact]
    public async Task Idle_sockets_are_freed_after_the_offer_deadline_and_an_honest_session_gets_in()
    {
        var idle = new List<WsTestClient>();
        for (var i = 0; i < MaxSessions; i++) idle.Add(await WebRtcTestPeer.OpenSignalingAsync(_server));
        await using (var refused = await WsTestClient.ConnectAsync(_server.WsUrl("webrtc"), "Key " + TestServer.Key))
        {
            var (frames, status, _) = await refused.ReadUntilCloseAsync();
            Assert.Equal(1013, (int)status!);
            Assert.StartsWith("rate_limited: the server is at its limit", ErrorOf(frames));
        }
        foreach (var ws in idle)
        {
            var (frames, status, reason) = await ws.ReadUntilCloseAsync();
            Assert.Equal(4001, (int)status!);
            Assert.Equal("no offer in time", reason);
            Assert.Equal("offer_timeout: no offer within 2 s", ErrorOf(frames));
            await ws.DisposeAsync();
        }
        await using var honest = await WebRtcTestPeer.ConnectAsync(_server);
        Assert.Equal(WebRtc.PeerConnectionState.Connected, honest.Pc.ConnectionState);
    }

    [Fact]
    public async Task Fifty_sessions_with_mixed_endings_all_close_cleanly()
    {
        var endings = new (string Name, Func<Task<(WebSocketCloseStatus?, string?)>> Run, int Code)[]
        {
            ("client close frame", async () =>
            {
                await using var p = await WebRtcTestPeer.ConnectAsync(_server);
                using var cts = new CancellationTokenSource(WsTestClient.Timeout);
                await p.Ws.Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", cts.Token);
                return (p.Ws.Socket.CloseStatus, p.Ws.Socket.CloseStatusDescription);
            }, 1000),
            ("close message", async () =>
            {
                await using var p = await WebRtcTestPeer.ConnectAsync(_server);
                await p.Ws.SendTextAsync("""{"type":"close"}""");
                var (_, s, r) = await p.Ws.ReadUntilCloseAsync();
                return (s, r);
            }, 1000),
            ("peer closes media", async () =>
            {
                await using var p = await WebRtcTestPeer.ConnectAsync(_server);
                await p.Pc.CloseAsync();
                var (_, s, r) = await p.Ws.ReadUntilCloseAsync();
                return (s, r);
            }, 1000),
            ("app ends", async () =>
            {
                await using var p = await WebRtcTestPeer.ConnectAsync(_server, "test/ending/webrtc");
                await p.Ws.SendTextAsync("""{"type":"params","params":{"end":"bye"}}""");
                var (_, s, r) = await p.Ws.ReadUntilCloseAsync();
                return (s, r);
            }, 1000),
            ("offer deadline", async () =>
            {
                await using var ws = await WebRtcTestPeer.OpenSignalingAsync(_server);
                var (_, s, r) = await ws.ReadUntilCloseAsync();
                return (s, r);
            }, 4001),
        };
        var counts = new Dictionary<string, int>();
        for (var i = 0; i < 50; i++)
        {
            var ending = endings[i % endings.Length];
            var (status, reason) = await ending.Run();
            Assert.True((int?)status == ending.Code, $"session {i} ({ending.Name}): close {(int?)status} '{reason}', expected {ending.Code}");
            counts[ending.Name] = counts.GetValueOrDefault(ending.Name) + 1;
        }
        output.WriteLine("50 sessions, all closed with the expected code: " + string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}")));
    }
}
