using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using WebRtcBridge.Signaling.Tests.Infrastructure;

namespace WebRtcBridge.Signaling.Tests;

/// <summary>Auth at the handshake (docs/protocols.md#auth-and-tokens).</summary>
public sealed class AuthTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private readonly HttpClient _http = new();
    private static readonly byte[] Input = Convert.FromHexString("81a16101"); // {"a":1}

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();
    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private async Task<HttpResponseMessage> RequestToken(string? key, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _server.HttpUrl("tokens/")) { Content = JsonContent.Create(body) };
        if (key is not null) request.Headers.TryAddWithoutValidation("Authorization", "Key " + key);
        return await _http.SendAsync(request);
    }

    private async Task<string> Token(string alias = "echo", int seconds = 120)
    {
        var response = await RequestToken(TestServer.Key, new { allowed_apps = new[] { alias }, token_expiration = seconds });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(JsonValueKind.String, json.ValueKind); // a bare JSON string, as every fal client expects
        return json.GetString()!;
    }

    private static async Task AssertWorks(WsTestClient ws)
    {
        await ws.SendBinaryAsync(Input);
        var frame = await ws.ReceiveAsync();
        Assert.Equal(Input, frame.Data);
    }

    private static async Task AssertUnauthorized(WsTestClient ws)
    {
        var frame = await ws.ReceiveAsync();
        Assert.Equal(WebSocketMessageType.Text, frame.Type);
        Assert.Equal("""{"status":"error","error":"Unauthorized"}""", frame.Text);
        var close = await ws.ReceiveAsync();
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, close.CloseStatus);
        Assert.Equal("Unauthorized", close.CloseDescription);
    }

    [Fact]
    public async Task Token_in_query_is_accepted()
    {
        await using var ws = await WsTestClient.ConnectAsync(_server.WsUrl($"bridge/echo/realtime?fal_jwt_token={await Token()}"));
        await AssertWorks(ws);
    }

    [Fact]
    public async Task Bearer_token_and_key_headers_are_accepted()
    {
        await using (var ws = await WsTestClient.ConnectAsync(_server.WsUrl("bridge/echo/realtime"), "Bearer " + await Token()))
            await AssertWorks(ws);
        await using (var ws = await WsTestClient.ConnectAsync(_server.WsUrl("bridge/echo/realtime"), "Key " + TestServer.Key))
            await AssertWorks(ws);
    }

    [Theory]
    [InlineData("bridge/echo/realtime")]
    [InlineData("bridge/echo/realtime?fal_jwt_token=garbage")]
    public async Task Missing_or_bad_token_gets_the_in_band_frame_and_1008_not_a_401(string path)
    {
        await using var ws = await WsTestClient.ConnectAsync(_server.WsUrl(path)); // the upgrade itself succeeds
        await AssertUnauthorized(ws);
    }

    [Fact]
    public async Task Wrong_key_is_unauthorized()
    {
        await using var ws = await WsTestClient.ConnectAsync(_server.WsUrl("bridge/echo/realtime"), "Key test-key:wrong");
        await AssertUnauthorized(ws);
    }

    [Fact]
    public async Task Token_for_another_app_is_unauthorized()
    {
        var token = await Token(alias: "filters");
        await using var ws = await WsTestClient.ConnectAsync(_server.WsUrl($"bridge/echo/realtime?fal_jwt_token={token}"));
        await AssertUnauthorized(ws);
    }

    [Fact]
    public async Task Token_signed_by_another_server_is_unauthorized()
    {
        await using var other = await TestServer.StartAsync();
        var response = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Post, other.HttpUrl("tokens/"))
        {
            Content = JsonContent.Create(new { allowed_apps = new[] { "echo" }, token_expiration = 60 }),
            Headers = { { "Authorization", "Key " + TestServer.Key } },
        });
        var foreign = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetString();
        await using var ws = await WsTestClient.ConnectAsync(_server.WsUrl($"bridge/echo/realtime?fal_jwt_token={foreign}"));
        await AssertUnauthorized(ws);
    }

    [Fact]
    public async Task Token_endpoint_rejects_wrong_keys_and_bad_bodies()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await RequestToken(null, new { allowed_apps = new[] { "echo" } })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await RequestToken("test-key:nope", new { allowed_apps = new[] { "echo" } })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await RequestToken(TestServer.Key, new { allowed_apps = "echo" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await RequestToken(TestServer.Key, new { token_expiration = -5 })).StatusCode);
    }

    [Fact]
    public async Task A_server_without_keys_is_open()
    {
        await using var open = await TestServer.StartAsync(withKey: false);
        await using var ws = await WsTestClient.ConnectAsync(open.WsUrl("bridge/echo/realtime"));
        await AssertWorks(ws);
    }
}
