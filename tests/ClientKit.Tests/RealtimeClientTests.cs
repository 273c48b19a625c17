using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using WebRtcBridge.ClientKit.Realtime;
using WebRtcBridge.MediaRunner.Apps;
using WebRtcBridge.Protocol.MsgPack;
using WebRtcBridge.Signaling.Hosting;

namespace WebRtcBridge.ClientKit.Tests;

/// <summary>Our realtime client against our server on 127.0.0.1.</summary>
public sealed class RealtimeClientTests : IAsyncLifetime
{
    private const string Key = "ck:secret";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private WebApplication _server = null!;
    private Uri _http = null!;
    private readonly HttpClient _httpClient = new();
    private int _tokenCalls;

    public async Task InitializeAsync()
    {
        _server = BridgeServer.Build(["--urls", "http://127.0.0.1:0", "--Auth:Keys:0", Key, "--Logging:LogLevel:Default", "Warning"],
            registry => registry
                .Add(new BridgeApp(new AppId("test", "closer")).WithRealtime(RealtimeEndpoint.Unary("/realtime",
                    (v, _, _) => ValueTask.FromResult(v), new RealtimeEndpointOptions { SessionTimeout = TimeSpan.FromMilliseconds(200) })))
                .Add(new BridgeApp(new AppId("test", "buffered")).WithRealtime(RealtimeEndpoint.Unary("/realtime",
                    (v, _, _) => ValueTask.FromResult(v), new RealtimeEndpointOptions { Buffering = 60 }))));
        await _server.StartAsync();
        _http = BridgeServer.ListeningUri(_server);
    }

    public async Task DisposeAsync()
    {
        _httpClient.Dispose();
        await _server.StopAsync();
        await _server.DisposeAsync();
    }

    private RealtimeClientOptions Options(TimeSpan? throttle = null, WireFormat format = WireFormat.MsgPack) => new()
    {
        BaseUrl = new Uri(_http.ToString().Replace("http://", "ws://")),
        RestUrl = _http,
        Key = Key,
        ThrottleInterval = throttle ?? TimeSpan.Zero,
        Format = format,
    };

    private static async Task<MsgValue> Next(IAsyncEnumerator<MsgValue> results)
    {
        using var cts = new CancellationTokenSource(Wait);
        var move = results.MoveNextAsync().AsTask();
        var done = await Task.WhenAny(move, Task.Delay(Timeout.Infinite, cts.Token).ContinueWith(_ => false));
        Assert.True(done == move && move.Result, "timed out waiting for a result");
        return results.Current;
    }

    [Theory]
    [InlineData(WireFormat.MsgPack)]
    [InlineData(WireFormat.Json)]
    public async Task Round_trips_in_both_formats_and_fetches_a_token_from_the_server(WireFormat format)
    {
        await using var client = new RealtimeClient("bridge/echo", Options(format: format));
        Assert.Equal(RealtimeClientState.Idle, client.State); // lazy: nothing dialled yet
        await client.SendAsync(MsgValue.Map(("x", 5), ("bytes", new byte[] { 1, 2, 3 }), ("request_id", "r")));
        await using var results = client.ReadResultsAsync().GetAsyncEnumerator();
        var r = await Next(results);
        Assert.Equal(5, r["x"].AsInt64());
        Assert.Equal("r", r["request_id"].AsString());
        if (format == WireFormat.MsgPack) Assert.Equal(new byte[] { 1, 2, 3 }, r["bytes"].AsBinary().ToArray());
        else Assert.Equal("AQID", r["bytes"].AsString()); // JSON carries bytes as base64
        Assert.Equal(RealtimeClientState.Active, client.State);
        Assert.Equal(0, client.DroppedSends);
    }

    [Fact]
    public async Task Only_the_latest_message_sent_while_connecting_is_delivered_and_the_rest_are_counted()
    {
        await using var client = new RealtimeClient("bridge/echo", Options());
        for (var i = 0; i < 5; i++) await client.SendAsync(MsgValue.Map(("i", i)));
        await using var results = client.ReadResultsAsync().GetAsyncEnumerator();
        Assert.Equal(4, (await Next(results))["i"].AsInt64());
        Assert.Equal(4, client.DroppedSends);
    }

    [Fact]
    public async Task Throttle_sends_the_leading_and_the_latest_trailing_message()
    {
        await using var client = new RealtimeClient("bridge/echo", Options(throttle: TimeSpan.FromMilliseconds(400)));
        await client.SendAsync(MsgValue.Map(("i", -1))); // connect first
        await using var results = client.ReadResultsAsync().GetAsyncEnumerator();
        await Next(results);
        await WaitUntil(() => client.Sent == 1);
        // The next call runs at once only if 400 ms have passed since the first; either way the last one is delivered.
        for (var i = 0; i < 10; i++) await client.SendAsync(MsgValue.Map(("i", i)));
        var last = -2L;
        while (last != 9) last = (await Next(results))["i"].AsInt64();
        // The echo of the last message can arrive before the sending task counts its send: wait for the counters.
        await WaitUntil(() => client.Sent + client.DroppedSends >= 11);
        Assert.True(client.DroppedSends >= 8, $"dropped {client.DroppedSends}");
        Assert.Equal(11, client.Sent + client.DroppedSends);
    }

    [Fact]
    public async Task Errors_are_raised_with_their_code_and_field_and_the_client_goes_on()
    {
        await using var client = new RealtimeClient("bridge/filters", Options());
        var errors = new List<RealtimeError>();
        var errorSeen = new SemaphoreSlim(0);
        client.Error += e => { lock (errors) errors.Add(e); errorSeen.Release(); };
        await client.SendAsync(MsgValue.Map(("filter", "invert")));
        Assert.True(await errorSeen.WaitAsync(Wait));
        lock (errors)
        {
            Assert.Equal(400, errors[0].Status);
            Assert.Equal("VALIDATION_ERROR", errors[0].Code);
            Assert.Equal("image", errors[0].Field);
            Assert.StartsWith("VALIDATION_ERROR: ", errors[0].Message);
        }
    }

    [Fact]
    public async Task A_server_close_1000_is_not_an_error_and_the_next_send_reconnects_with_a_new_token()
    {
        var tokens = new List<string>();
        var options = Options() with
        {
            TokenProvider = async (app, ct) =>
            {
                Interlocked.Increment(ref _tokenCalls);
                var response = await _httpClient.PostAsJsonAsync(new Uri(_http, "tokens"), new { allowed_apps = new[] { "closer" } }, ct);
                var token = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement.GetString()!;
                lock (tokens) tokens.Add(app);
                return token;
            },
            Key = null,
        };
        // The token endpoint needs the key: send it as a default header of the shared HttpClient.
        _httpClient.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Key " + Key);
        await using var client = new RealtimeClient("test/closer", options);
        var errors = 0;
        client.Error += _ => Interlocked.Increment(ref errors);
        await using var results = client.ReadResultsAsync().GetAsyncEnumerator();
        await client.SendAsync(MsgValue.Map(("n", 1)));
        Assert.Equal(1, (await Next(results))["n"].AsInt64());
        await WaitUntil(() => client.State == RealtimeClientState.Idle); // TIMEOUT after 200 ms, close 1000
        await client.SendAsync(MsgValue.Map(("n", 2)));
        Assert.Equal(2, (await Next(results))["n"].AsInt64());
        Assert.Equal(2, _tokenCalls);
        lock (tokens) Assert.All(tokens, t => Assert.Equal("test/closer/realtime", t));
        Assert.Equal(0, errors);
    }

    [Fact]
    public async Task A_bad_key_ends_in_an_error_and_no_result()
    {
        await using var client = new RealtimeClient("bridge/echo", Options() with { Key = "ck:wrong" });
        var error = new TaskCompletionSource<RealtimeError>();
        client.Error += e => error.TrySetResult(e);
        await client.SendAsync(MsgValue.Map(("a", 1)));
        var e = await error.Task.WaitAsync(Wait);
        Assert.Equal(500, e.Status); // the token request itself is refused (401)
    }

    [Fact]
    public async Task A_bad_token_gets_1008_from_the_server()
    {
        await using var client = new RealtimeClient("bridge/echo", Options() with { TokenProvider = (_, _) => ValueTask.FromResult("nope") });
        var error = new TaskCompletionSource<RealtimeError>();
        client.Error += e => error.TrySetResult(e);
        await client.SendAsync(MsgValue.Map(("a", 1)));
        var e = await error.Task.WaitAsync(Wait);
        Assert.Equal(1008, e.Status);
        Assert.Contains("Unauthorized", e.Message);
    }

    [Fact]
    public async Task Results_the_reader_does_not_take_are_bounded_and_counted()
    {
        // The server keeps every input (buffering 60), so all six results arrive and four must be dropped here.
        await using var client = new RealtimeClient("test/buffered", Options() with { ResultCapacity = 2 });
        await client.SendAsync(MsgValue.Map(("i", 0)));
        await WaitUntil(() => client.State == RealtimeClientState.Active);
        for (var i = 1; i < 6; i++) await client.SendAsync(MsgValue.Map(("i", i)));
        await WaitUntil(() => client.DroppedResults == 4);
        Assert.True(client.TryReceive(Wait, out var a));
        Assert.True(client.TryReceive(Wait, out var b));
        Assert.Equal([4L, 5L], new[] { a["i"].AsInt64(), b["i"].AsInt64() });
    }

    [Fact]
    public async Task Blocking_wrappers_work_without_async()
    {
        using var client = new RealtimeClient("bridge/echo", Options());
        client.Send(MsgValue.Map(("hello", "world")));
        Assert.True(client.TryReceive(Wait, out var result));
        Assert.Equal("world", result["hello"].AsString());
        Assert.False(client.TryReceive(TimeSpan.FromMilliseconds(50), out _));
    }

    [Fact]
    public async Task Raw_ws_connect_authenticates_with_the_key()
    {
        using var socket = await RawWebSocket.WsConnectAsync("bridge/echo", "realtime", Options());
        await socket.SendAsync("{\"a\":1}"u8.ToArray(), System.Net.WebSockets.WebSocketMessageType.Text, true, default);
        var buffer = new byte[256];
        using var cts = new CancellationTokenSource(Wait);
        var r = await socket.ReceiveAsync(buffer, cts.Token);
        Assert.Equal("{\"a\":1}", System.Text.Encoding.UTF8.GetString(buffer, 0, r.Count));
    }

    [Theory]
    [InlineData("owner/app", null, "ws://h/owner/app/realtime?fal_jwt_token=t&max_buffering=2")]
    [InlineData("owner/app/realtime", null, "ws://h/owner/app/realtime?fal_jwt_token=t&max_buffering=2")]
    [InlineData("123-app", "/ws", "ws://h/123/app/ws?fal_jwt_token=t&max_buffering=2")]
    public void Urls_are_built_as_fal_js_builds_them(string app, string? path, string expected)
    {
        var id = RealtimeUrl.NormalizeAppId(app);
        Assert.Equal(expected, RealtimeUrl.Build(new Uri("ws://h"), id, RealtimeUrl.ResolvePath(id, path), "t", 2).ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => RealtimeUrl.Build(new Uri("ws://h"), id, "", "t", 61));
        Assert.Throws<ArgumentException>(() => RealtimeUrl.NormalizeAppId("nope"));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(10);
        }
    }
}
