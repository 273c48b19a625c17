using System.Net.WebSockets;
using WebRtcBridge.Signaling.Tests.Infrastructure;

namespace WebRtcBridge.Signaling.Tests;

/// <summary>One test per point of the realtime protocol as we implement it (docs/protocols.md), against Kestrel on 127.0.0.1.</summary>
public sealed class RealtimeConformanceTests : IAsyncLifetime
{
    private TestServer _server = null!;

    // {"a":1,"b":bin[1,2,3],"request_id":"r1"} in msgpack, smallest encodings, keys in this order.
    private static readonly byte[] EchoInput = Convert.FromHexString("83a161" + "01" + "a162" + "c403010203" + "aa726571756573745f6964" + "a27231");

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(TestApps.Register);
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task<WsTestClient> Connect(string path) =>
        WsTestClient.ConnectAsync(_server.WsUrl(path), "Key " + TestServer.Key);

    [Fact]
    public async Task Binary_msgpack_input_gets_a_binary_msgpack_result_with_the_same_bytes()
    {
        await using var ws = await Connect("bridge/echo/realtime");
        await ws.SendBinaryAsync(EchoInput);
        var frame = await ws.ReceiveAsync();
        Assert.Equal(WebSocketMessageType.Binary, frame.Type);
        Assert.Equal(EchoInput, frame.Data);
    }

    [Fact]
    public async Task Text_json_input_is_accepted_and_answered_as_json()
    {
        await using var ws = await Connect("bridge/echo/realtime");
        await ws.SendTextAsync("""{"prompt":"hi","n":3,"request_id":"x"}""");
        var frame = await ws.ReceiveAsync();
        Assert.Equal(WebSocketMessageType.Text, frame.Type);
        Assert.Equal("hi", frame.Json.GetProperty("prompt").GetString());
        Assert.Equal(3, frame.Json.GetProperty("n").GetInt32());
        Assert.Equal("x", frame.Json.GetProperty("request_id").GetString());
    }

    [Theory]
    [InlineData("bridge/echo/ws")]
    [InlineData("workflows/owner/flow/realtime")]
    [InlineData("bridge/echo/realtime?max_buffering=5")]
    public async Task Routes_reach_the_realtime_endpoint(string path)
    {
        await using var ws = await Connect(path);
        await ws.SendBinaryAsync(EchoInput);
        Assert.Equal(EchoInput, (await ws.ReceiveAsync()).Data);
    }

    [Fact]
    public async Task Bare_realtime_path_is_the_default_app_filters()
    {
        await using var ws = await Connect("realtime");
        await ws.SendTextAsync("""{"filter":"invert"}""");
        var frame = await ws.ReceiveAsync();
        Assert.Equal(WebSocketMessageType.Text, frame.Type);
        Assert.Equal("x-fal-error", frame.Json.GetProperty("type").GetString());
        Assert.Equal("image", frame.Json.GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("""{"image":"AQID","filter":7}""", "filter", "expected a string")]
    [InlineData("""{"image":42}""", "image", "expected bytes")]
    [InlineData("""{"image":"AQID","quality":"high"}""", "quality", "expected an integer")]
    public async Task Wrong_types_get_a_validation_error_naming_the_field_and_the_session_goes_on(string input, string field, string problem)
    {
        await using var ws = await Connect("bridge/filters/realtime");
        await ws.SendTextAsync(input);
        var error = await ws.ReceiveAsync();
        Assert.Equal("VALIDATION_ERROR", error.Json.GetProperty("error").GetString());
        Assert.Equal(field, error.Json.GetProperty("field").GetString());
        Assert.Contains(problem, error.Json.GetProperty("reason").GetString());
        await ws.SendBinaryAsync(EchoInput); // not a valid filters input either: still answered, so the session lives
        Assert.Equal("x-fal-error", (await ws.ReceiveAsync()).Json.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Raw_websocket_endpoint_gets_the_socket_and_is_closed_with_1000()
    {
        await using var ws = await Connect("workflows/owner/flow/raw");
        for (var i = 0; i < 3; i++)
            Assert.Equal("Hello world!", (await ws.ReceiveAsync()).Json.GetProperty("message").GetString());
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await ws.ReceiveCloseAsync());
    }

    [Fact]
    public async Task Unknown_app_path_is_404_before_upgrade()
    {
        var ex = await Assert.ThrowsAsync<WebSocketException>(() => Connect("bridge/echo/nowhere"));
        Assert.Contains("404", ex.Message);
    }

    [Fact]
    public async Task Invalid_msgpack_gets_a_text_error_frame_and_the_session_goes_on()
    {
        await using var ws = await Connect("bridge/echo/realtime");
        await ws.SendBinaryAsync([0x82, 0xa1, 0x61]); // map of 2 with a truncated key
        var error = await ws.ReceiveAsync();
        Assert.Equal(WebSocketMessageType.Text, error.Type);
        Assert.Equal("x-fal-error", error.Json.GetProperty("type").GetString());
        Assert.Equal("BAD_REQUEST", error.Json.GetProperty("error").GetString());
        Assert.Contains("msgpack", error.Json.GetProperty("reason").GetString());
        await ws.SendBinaryAsync(EchoInput);
        Assert.Equal(EchoInput, (await ws.ReceiveAsync()).Data);
    }

    [Fact]
    public async Task Invalid_json_and_non_map_inputs_get_error_frames()
    {
        await using var ws = await Connect("bridge/echo/realtime");
        await ws.SendTextAsync("{\"a\":");
        var bad = await ws.ReceiveAsync();
        Assert.Equal("BAD_REQUEST", bad.Json.GetProperty("error").GetString());
        Assert.Contains("JSON", bad.Json.GetProperty("reason").GetString());
        await ws.SendTextAsync("[1,2,3]");
        var array = await ws.ReceiveAsync();
        Assert.Equal("BAD_REQUEST", array.Json.GetProperty("error").GetString());
        Assert.Contains("map", array.Json.GetProperty("reason").GetString());
        await ws.SendBinaryAsync([0x2a]); // msgpack 42
        Assert.Contains("map", (await ws.ReceiveAsync()).Json.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Oversized_frame_gets_an_error_and_the_session_and_others_go_on()
    {
        await using var small = await TestServer.StartAsync(settings: new Dictionary<string, string?> { ["Bridge:MaxMessageBytes"] = "4096" });
        await using var ws = await WsTestClient.ConnectAsync(small.WsUrl("bridge/echo/realtime"), "Key " + TestServer.Key);
        await using var other = await WsTestClient.ConnectAsync(small.WsUrl("bridge/echo/realtime"), "Key " + TestServer.Key);
        var big = new byte[100_000];
        big[0] = 0x81; // a map header, then garbage: never decoded because it is too large
        await ws.SendBinaryAsync(big);
        var error = await ws.ReceiveAsync();
        Assert.Equal("BAD_REQUEST", error.Json.GetProperty("error").GetString());
        Assert.Contains("exceeds the limit of 4096", error.Json.GetProperty("reason").GetString());
        await ws.SendBinaryAsync(EchoInput);
        Assert.Equal(EchoInput, (await ws.ReceiveAsync()).Data);
        await other.SendBinaryAsync(EchoInput);
        Assert.Equal(EchoInput, (await other.ReceiveAsync()).Data);
    }

    [Fact]
    public async Task Handler_exception_is_an_internal_error_frame_and_the_session_goes_on()
    {
        await using var ws = await Connect("test/failing/realtime");
        await ws.SendTextAsync("""{"fail":true}""");
        var error = await ws.ReceiveAsync();
        Assert.Equal("INTERNAL_ERROR", error.Json.GetProperty("error").GetString());
        Assert.Equal("boom", error.Json.GetProperty("reason").GetString());
        await ws.SendTextAsync("""{"ok":1}""");
        Assert.Equal(1, (await ws.ReceiveAsync()).Json.GetProperty("ok").GetInt32());
    }

    [Fact]
    public async Task Session_timeout_sends_TIMEOUT_then_close_1000()
    {
        await using var ws = await Connect("test/timeout/realtime");
        var frame = await ws.ReceiveAsync();
        Assert.Equal(WebSocketMessageType.Text, frame.Type);
        Assert.Equal("x-fal-error", frame.Json.GetProperty("type").GetString());
        Assert.Equal("TIMEOUT", frame.Json.GetProperty("error").GetString());
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await ws.ReceiveCloseAsync());
    }

    [Fact]
    public async Task A_close_without_status_is_answered_with_1000()
    {
        // ClientWebSocket cannot send a status-less Close (it puts 1005 on the wire), so this speaks RFC 6455 by hand:
        // the handshake, then a masked Close frame with an empty payload (§5.5.1), as fal-js's ws.close() sends.
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(_server.Http.Host, _server.Http.Port);
        var stream = tcp.GetStream();
        var handshake = $"GET /bridge/echo/realtime HTTP/1.1\r\nHost: {_server.Http.Authority}\r\nUpgrade: websocket\r\n" +
                        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
                        $"Authorization: Key {TestServer.Key}\r\n\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(handshake));
        using var cts = new CancellationTokenSource(WsTestClient.Timeout);
        var response = new List<byte>();
        var one = new byte[1];
        while (response.Count < 4 || !response.TakeLast(4).SequenceEqual("\r\n\r\n"u8.ToArray()))
        {
            Assert.Equal(1, await stream.ReadAsync(one, cts.Token));
            response.Add(one[0]);
        }
        Assert.StartsWith("HTTP/1.1 101", System.Text.Encoding.ASCII.GetString(response.ToArray()));
        await stream.WriteAsync(new byte[] { 0x88, 0x80, 0x11, 0x22, 0x33, 0x44 }, cts.Token); // FIN|Close, masked, no payload
        var frame = new byte[4];
        var read = 0;
        while (read < 4) read += await stream.ReadAsync(frame.AsMemory(read), cts.Token);
        Assert.Equal(new byte[] { 0x88, 0x02, 0x03, 0xE8 }, frame); // unmasked Close, 2-byte payload 1000
    }

    [Fact]
    public async Task Streaming_endpoint_yields_several_outputs_per_input()
    {
        await using var ws = await Connect("test/streaming/realtime");
        await ws.SendTextAsync("""{"go":1}""");
        for (var i = 0; i < 3; i++) Assert.Equal(i, (await ws.ReceiveAsync()).Json.GetProperty("i").GetInt32());
    }

    [Fact]
    public async Task Pings_are_answered()
    {
        // The client pings every 100 ms and aborts if a pong is 1 s late (RFC 6455 §5.5.2, §5.5.3).
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Key " + TestServer.Key);
        socket.Options.KeepAliveInterval = TimeSpan.FromMilliseconds(100);
        socket.Options.KeepAliveTimeout = TimeSpan.FromSeconds(1);
        await socket.ConnectAsync(_server.WsUrl("bridge/echo/realtime"), default);
        await using var ws = new OwnedSocket(socket);
        var deadline = DateTime.UtcNow.AddSeconds(2.5);
        while (DateTime.UtcNow < deadline)
        {
            // Round trips keep the receive side reading, which is where pongs are processed.
            await socket.SendAsync(EchoInput, WebSocketMessageType.Binary, true, default);
            var buffer = new byte[1024];
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var r = await socket.ReceiveAsync(buffer, cts.Token);
            Assert.Equal(EchoInput.Length, r.Count);
            await Task.Delay(TimeSpan.FromMilliseconds(250)); // pacing between round trips, not synchronisation
        }
        Assert.Equal(WebSocketState.Open, socket.State);
    }

    private sealed class OwnedSocket(ClientWebSocket socket) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try { await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", cts.Token); } catch (WebSocketException) { }
            socket.Dispose();
        }
    }
}
