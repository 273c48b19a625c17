using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using WebRtcBridge.MediaRunner.Apps;
using WebRtcBridge.Signaling.Hosting;
using WebRtcBridge.Signaling.Tests.Infrastructure;

namespace WebRtcBridge.Signaling.Tests;

/// <summary>
/// Server-wide and per-client limits (issue 9 item 1): over a limit is an error frame and a close, or 429 with
/// Retry-After, counted in <see cref="LimitCounters"/>; sessions and clients under their limits go on unaffected.
/// </summary>
[Collection(WebRtcCollection.Name)]
public sealed class LimitTests : IAsyncDisposable
{
    private const string OtherKey = "other-key:other-secret";
    private static readonly byte[] Input = Convert.FromHexString("81a16101"); // {"a":1}
    private readonly HttpClient _http = new();
    private readonly SemaphoreSlim _httpStarted = new(0);
    private readonly SemaphoreSlim _httpRelease = new(0);
    private TestServer? _server;

    public async ValueTask DisposeAsync()
    {
        _httpRelease.Release(100);
        _http.Dispose();
        if (_server is not null) await _server.DisposeAsync();
    }

    private async Task<TestServer> Start(params (string Key, string Value)[] settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["Auth:Keys:1"] = OtherKey,
            ["Bridge:WebRtc:HostAddresses:0"] = "127.0.0.1",
        };
        foreach (var (k, v) in settings) all[k] = v;
        _server = await TestServer.StartAsync(registry => registry.Add(new BridgeApp(new AppId("test", "slow")).WithHttp(async (v, _, ct) =>
        {
            _httpStarted.Release();
            await _httpRelease.WaitAsync(ct);
            return v;
        })), all);
        return _server;
    }

    private LimitCounters Counters => _server!.Services.GetRequiredService<LimitCounters>();

    private static async Task AssertEchoes(WsTestClient ws)
    {
        await ws.SendBinaryAsync(Input);
        Assert.Equal(Input, (await ws.ReceiveAsync()).Data);
    }

    [Fact]
    public async Task A_signaling_message_over_64_KiB_gets_an_error_is_counted_and_the_session_goes_on()
    {
        var server = await Start();
        await using var ws = await WebRtcTestPeer.OpenSignalingAsync(server);
        await ws.SendTextAsync("""{"type":"params","params":{"x":" """ + new string('a', 70_000) + "\"}}");
        var reply = await ws.ReceiveAsync();
        Assert.Equal("error", reply.Json.GetProperty("type").GetString());
        Assert.Contains("exceeds the limit of 65536 bytes", reply.Json.GetProperty("error").GetString());
        Assert.Equal(1, Counters[LimitCounters.SignalingMessageBytes]);
        await using var pc = new WebRtc.PeerConnection(new WebRtc.PeerConnectionOptions { HostAddresses = [IPAddress.Loopback] });
        await ws.SendTextAsync(System.Text.Json.JsonSerializer.Serialize(new { type = "offer", sdp = await pc.CreateOfferAsync() }));
        Assert.Equal("answer", (await ws.ReceiveAsync()).Json.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Realtime_sessions_over_the_server_limit_get_RATE_LIMITED_and_1013()
    {
        var server = await Start(("Bridge:MaxRealtimeSessions", "2"));
        await using var a = await WsTestClient.ConnectAsync(server.WsUrl("bridge/echo/realtime"), "Key " + TestServer.Key);
        await using var b = await WsTestClient.ConnectAsync(server.WsUrl("bridge/echo/realtime"), "Key " + OtherKey);
        await AssertEchoes(a);
        await AssertEchoes(b);
        await using var c = await WsTestClient.ConnectAsync(server.WsUrl("bridge/echo/realtime"), "Key " + TestServer.Key);
        var (frames, status, reason) = await c.ReadUntilCloseAsync();
        Assert.Equal(1013, (int)status!);
        Assert.Equal("too many sessions", reason);
        Assert.Contains("\"error\":\"RATE_LIMITED\"", Assert.Single(frames).Text);
        Assert.Equal(1, Counters[LimitCounters.RealtimeSessions]);
        await AssertEchoes(a); // the sessions within the limit go on
    }

    [Fact]
    public async Task A_client_over_its_socket_limit_gets_RATE_LIMITED_and_1008_while_other_clients_get_in()
    {
        var server = await Start(("Bridge:MaxSocketsPerClient", "2"));
        await using var a = await WsTestClient.ConnectAsync(server.WsUrl("bridge/echo/realtime"), "Key " + TestServer.Key);
        var b = await WebRtcTestPeer.OpenSignalingAsync(server); // /webrtc sockets count too
        await AssertEchoes(a);
        await using (var c = await WsTestClient.ConnectAsync(server.WsUrl("bridge/echo/realtime"), "Key " + TestServer.Key))
        {
            var (frames, status, _) = await c.ReadUntilCloseAsync();
            Assert.Equal(WebSocketCloseStatus.PolicyViolation, status);
            Assert.Contains("RATE_LIMITED", Assert.Single(frames).Text);
        }
        await using (var webrtc = await WsTestClient.ConnectAsync(server.WsUrl("webrtc"), "Key " + TestServer.Key))
        {
            var (frames, status, _) = await webrtc.ReadUntilCloseAsync();
            Assert.Equal(WebSocketCloseStatus.PolicyViolation, status);
            Assert.StartsWith("rate_limited: this client has its limit of 2", Assert.Single(frames).Json.GetProperty("error").GetString());
        }
        Assert.Equal(2, Counters[LimitCounters.SocketsPerClient]);
        await using (var other = await WsTestClient.ConnectAsync(server.WsUrl("bridge/echo/realtime"), "Key " + OtherKey))
            await AssertEchoes(other);
        await b.DisposeAsync(); // a freed socket can be used again, once the server has ended that session
        var deadline = DateTime.UtcNow + WsTestClient.Timeout;
        while (true)
        {
            await using var again = await WsTestClient.ConnectAsync(server.WsUrl("bridge/echo/realtime"), "Key " + TestServer.Key);
            await again.SendBinaryAsync(Input);
            var reply = await again.ReceiveAsync();
            if (reply.Type == WebSocketMessageType.Binary)
            {
                Assert.Equal(Input, reply.Data);
                break;
            }
            Assert.True(DateTime.UtcNow < deadline, "the freed socket was never available again");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Http_requests_over_the_in_flight_limit_get_429_with_retry_after_and_sockets_are_unaffected()
    {
        var server = await Start(("Bridge:MaxHttpRequests", "2"));
        HttpRequestMessage Post() => new(HttpMethod.Post, server.HttpUrl("test/slow"))
        {
            Content = new StringContent("{}", Encoding.UTF8, "application/json"),
            Headers = { { "Authorization", "Key " + TestServer.Key } },
        };
        var held = new[] { _http.SendAsync(Post()), _http.SendAsync(Post()) };
        for (var i = 0; i < 2; i++) Assert.True(await _httpStarted.WaitAsync(WsTestClient.Timeout));
        var refused = await _http.SendAsync(Post());
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Equal(1, Counters[LimitCounters.HttpRequests]);
        await using (var ws = await WsTestClient.ConnectAsync(server.WsUrl("bridge/echo/realtime"), "Key " + TestServer.Key))
            await AssertEchoes(ws); // WebSocket sessions are not HTTP requests in flight
        _httpRelease.Release(3);
        foreach (var r in await Task.WhenAll(held)) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(Post())).StatusCode); // the slots are free again
    }

    [Fact]
    public async Task Token_requests_over_the_per_minute_limit_get_429_with_retry_after_per_client()
    {
        var server = await Start(("Bridge:TokenRequestsPerMinute", "3"));
        Task<HttpResponseMessage> Request(string key) => _http.SendAsync(new HttpRequestMessage(HttpMethod.Post, server.HttpUrl("tokens/"))
        {
            Content = JsonContent.Create(new { allowed_apps = new[] { "echo" } }),
            Headers = { { "Authorization", "Key " + key } },
        });
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await Request(TestServer.Key)).StatusCode);
        var refused = await Request(TestServer.Key);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
        Assert.Equal(1, Counters[LimitCounters.TokenRequests]);
        Assert.Equal(HttpStatusCode.OK, (await Request(OtherKey)).StatusCode); // another client has its own window
    }
}
