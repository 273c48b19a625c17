using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using WebRtcBridge.ClientKit.WebRtcStreaming;
using WebRtcBridge.Protocol.MsgPack;
using WebRtcBridge.Signaling.Tests.Infrastructure;
using WebRtcBridge.WebRtc;
using WebRtcBridge.WebRtc.Dtls;
using WebRtcBridge.WebRtc.Media;
using Xunit.Abstractions;

namespace WebRtcBridge.Signaling.Tests;

/// <summary>The /webrtc signaling endpoint (docs/protocols.md#webrtc-signaling) with our own client-role peer.</summary>
[Collection(WebRtcCollection.Name)]
public sealed class WebRtcSignalingTests(ITestOutputHelper output) : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(settings: new Dictionary<string, string?>
    {
        ["Bridge:WebRtc:HostAddresses:0"] = "127.0.0.1",
        ["Bridge:MaxSessions"] = "4",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task<WsTestClient> Connect(string path = "webrtc") => WsTestClient.ConnectAsync(_server.WsUrl(path), "Key " + TestServer.Key);

    private static PeerConnectionOptions Loopback => new() { HostAddresses = [IPAddress.Loopback] };

    [Fact]
    public async Task Ready_comes_first_then_offer_answer_and_end_of_candidates()
    {
        await using var ws = await Connect("bridge/filters/webrtc");
        Assert.Equal("ready", (await ws.ReceiveAsync()).Json.GetProperty("type").GetString());
        await using var pc = new PeerConnection(Loopback);
        await ws.SendTextAsync("""{"type":"params","params":{"filter":"grayscale"}}""");
        await ws.SendTextAsync(System.Text.Json.JsonSerializer.Serialize(new { type = "offer", sdp = await pc.CreateOfferAsync() }));
        var answer = await ws.ReceiveAsync();
        Assert.Equal("answer", answer.Json.GetProperty("type").GetString());
        var sdp = answer.Json.GetProperty("sdp").GetString()!;
        Assert.Contains("a=ice-lite", sdp);
        Assert.Contains("a=setup:passive", sdp);
        var current = DtlsCertificateProvider.Shared.Acquire(); // the certificate new sessions get (rotated every 7 days)
        DtlsCertificateProvider.Shared.Release(current);
        Assert.Contains("a=fingerprint:sha-256 " + current.Fingerprint.Value, sdp);
        var endOfCandidates = await ws.ReceiveAsync();
        Assert.Equal("icecandidate", endOfCandidates.Json.GetProperty("type").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, endOfCandidates.Json.GetProperty("candidate").ValueKind);
        await pc.SetRemoteAnswerAsync(sdp);
        var stats = await ws.ReceiveAsync(); // about once a second
        Assert.Equal("stats", stats.Json.GetProperty("type").GetString());
        Assert.True(stats.Json.TryGetProperty("fpsIn", out _));
        Assert.True(stats.Json.TryGetProperty("stages", out var stages));
        foreach (var stage in new[] { "decodeMs", "queueMs", "handlerMs", "handlerP99Ms", "encodeMs", "encodeSendMs" })
            Assert.True(stages.TryGetProperty(stage, out _), stage);
    }

    [Fact]
    public async Task Msgpack_signaling_is_answered_in_msgpack()
    {
        await using var ws = await Connect();
        await ws.ReceiveAsync(); // ready (text until the client shows its encoding)
        await using var pc = new PeerConnection(Loopback);
        await ws.SendBinaryAsync(MsgPackSerializer.EncodeToArray(MsgValue.Map(("type", "offer"), ("sdp", await pc.CreateOfferAsync()))));
        var answer = await ws.ReceiveAsync();
        Assert.Equal(WebSocketMessageType.Binary, answer.Type);
        Assert.Equal("answer", MsgPackSerializer.Decode(answer.Data)["type"].AsString());
    }

    [Theory]
    [InlineData("""{"type":"offer","sdp":"v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=rtpmap:111 opus/48000/2\r\n"}""", "offer_failed: no video m-line")]
    [InlineData("""{"type":"offer"}""", "bad_request: sdp: field required")]
    [InlineData("""{"type":"dance"}""", "bad_request: type: unknown message type 'dance'")]
    [InlineData("""{"type":"params","params":{"filter":"nope"}}""", "params_failed: filter")]
    [InlineData("""{"type":"params","params":{"filter":"blur","radius":-3}}""", "params_failed: radius")]
    [InlineData("not json", "bad_request: invalid JSON")]
    public async Task Bad_messages_get_an_error_and_the_session_goes_on(string message, string error)
    {
        await using var ws = await Connect();
        await ws.ReceiveAsync();
        await ws.SendTextAsync(message);
        var reply = await ws.ReceiveAsync();
        Assert.Equal("error", reply.Json.GetProperty("type").GetString());
        Assert.StartsWith(error, reply.Json.GetProperty("error").GetString());
        await using var pc = new PeerConnection(Loopback);
        await ws.SendTextAsync(System.Text.Json.JsonSerializer.Serialize(new { type = "offer", sdp = await pc.CreateOfferAsync() }));
        Assert.Equal("answer", (await ws.ReceiveAsync()).Json.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Unauthorized_webrtc_sessions_get_the_in_band_frame()
    {
        await using var ws = await WsTestClient.ConnectAsync(_server.WsUrl("webrtc"));
        Assert.Equal("""{"status":"error","error":"Unauthorized"}""", (await ws.ReceiveAsync()).Text);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await ws.ReceiveCloseAsync());
    }

    [Fact]
    public async Task Two_hundred_connect_disconnect_cycles_leave_no_sessions_sockets_handles_or_threads()
    {
        static (int Fds, long Ssl, long Vpx, int Threads) Snapshot()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            return (Directory.GetFiles("/proc/self/fd").Length, WebRtc.Native.NativeHandleCounts.OpenSsl, WebRtc.Native.NativeHandleCounts.LibVpx,
                Process.GetCurrentProcess().Threads.Count);
        }
        var options = new WebRtcStreamClientOptions
        {
            BaseUrl = _server.Ws, AppId = "bridge/filters", Key = TestServer.Key, PeerConnection = Loopback,
        };
        // Warm-up cycle: lazily created singletons (certificate, pools) are not leaks.
        await using (var warm = new WebRtcStreamClient(options)) await warm.ConnectAsync();
        await WaitForNoSessions();
        var before = Snapshot();
        var clock = Stopwatch.StartNew();
        using var frame = VideoFrame.Create(160, 120);
        for (var i = 0; i < 200; i++)
        {
            await using var client = new WebRtcStreamClient(options);
            await client.ConnectAsync();
            client.SendFrameI420(frame.Y, frame.StrideY, frame.U, frame.StrideUV, frame.V, frame.StrideUV, 160, 120, i);
        }
        await WaitForNoSessions();
        // Sockets of the last sessions (and of test classes running in parallel) close a moment after their session:
        // poll until the counts settle, bounded.
        var after = Snapshot();
        for (var settle = Stopwatch.StartNew(); after.Fds > before.Fds + 8 && settle.Elapsed < TimeSpan.FromSeconds(10); after = Snapshot())
            await Task.Delay(200);
        output.WriteLine($"200 /webrtc cycles in {clock.Elapsed.TotalSeconds:F1} s; before {before}, after {after}");
        Assert.InRange(after.Fds, 0, before.Fds + 8);
        Assert.InRange(after.Ssl, 0, before.Ssl + 2);
        Assert.InRange(after.Vpx, 0, before.Vpx + 2);
        Assert.InRange(after.Threads, 0, before.Threads + 8);
    }

    private async Task WaitForNoSessions()
    {
        var limiter = (WebRtcBridge.Signaling.Endpoints.SocketLimiter)_server.Services.GetService(typeof(WebRtcBridge.Signaling.Endpoints.SocketLimiter))!;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (limiter.Active != 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{limiter.Active} sessions still open");
            await Task.Delay(20);
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WebRtcCollection
{
    public const string Name = "webrtc";
}
