using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using WebRtcBridge.MediaRunner.Apps;
using WebRtcBridge.Protocol.MsgPack;
using WebRtcBridge.Signaling.Hosting;
using WebRtcBridge.Signaling.Tests.Infrastructure;

namespace WebRtcBridge.Signaling.Tests;

/// <summary>Issue 9 item 4: the review's findings on the host (tokens, logs, health, errors, params).</summary>
[Collection(WebRtcCollection.Name)]
public sealed class HardeningTests : IAsyncLifetime
{
    private const string SigningKey = "0123456789abcdef0123456789abcdef-test";
    private static readonly byte[] Input = Convert.FromHexString("81a16101"); // {"a":1}
    private readonly HttpClient _http = new();
    private readonly CapturingLoggerProvider _logs = new();
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(
        registry => registry.Add(new BridgeApp(new AppId("test", "throws")).WithHttp((_, _, _) =>
            throw new InvalidOperationException("secret internals at /srv/model/weights.bin"))),
        new Dictionary<string, string?>
        {
            ["Auth:SigningKey"] = SigningKey,
            ["Bridge:WebRtc:HostAddresses:0"] = "127.0.0.1",
            ["Logging:LogLevel:Default"] = "Information",
        },
        configure: b => b.Logging.AddProvider(_logs));

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private Task<HttpResponseMessage> RequestToken(HttpContent body) => _http.SendAsync(new HttpRequestMessage(HttpMethod.Post, _server.HttpUrl("tokens/"))
    {
        Content = body,
        Headers = { { "Authorization", "Key " + TestServer.Key } },
    });

    /// <summary>A token signed with the server's key (SHA-256 of Auth:SigningKey) but our own choice of algorithm and claims.</summary>
    private static string Forge(string algorithm, string[] apps)
    {
        var key = new SymmetricSecurityKey(SHA256.HashData(Encoding.UTF8.GetBytes(SigningKey)));
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "webrtcbridge", Audience = "webrtcbridge", Subject = new ClaimsIdentity([new Claim("sub", "test-key")]),
            Claims = new Dictionary<string, object> { ["allowed_apps"] = apps },
            IssuedAt = now, NotBefore = now, Expires = now.AddMinutes(5),
            SigningCredentials = new SigningCredentials(key, algorithm),
        });
    }

    /// <summary>A JWT with a correct MAC under another HMAC algorithm (the token library will not sign these with a
    /// 256-bit key, so it is written by hand, RFC 7515 §7.1).</summary>
    private static string ForgeByHand(string alg, Func<byte[], byte[], byte[]> mac)
    {
        static string B64(byte[] b) => Base64UrlEncoder.Encode(b);
        var header = B64(JsonSerializer.SerializeToUtf8Bytes(new { alg, typ = "JWT" }));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = B64(JsonSerializer.SerializeToUtf8Bytes(new
        {
            iss = "webrtcbridge", aud = "webrtcbridge", sub = "test-key", allowed_apps = new[] { "echo" }, iat = now, nbf = now, exp = now + 300,
        }));
        var key = SHA256.HashData(Encoding.UTF8.GetBytes(SigningKey));
        return $"{header}.{payload}.{B64(mac(key, Encoding.ASCII.GetBytes(header + "." + payload)))}";
    }

    private async Task<bool> TokenWorks(string token)
    {
        await using var ws = await WsTestClient.ConnectAsync(_server.WsUrl($"bridge/echo/realtime?fal_jwt_token={token}"));
        await ws.SendBinaryAsync(Input);
        var frame = await ws.ReceiveAsync();
        return frame.Type == System.Net.WebSockets.WebSocketMessageType.Binary;
    }

    [Fact]
    public async Task Duplicate_params_keys_get_an_error_frame_and_the_session_goes_on()
    {
        await using var ws = await WebRtcTestPeer.OpenSignalingAsync(_server);
        await ws.SendTextAsync("""{"type":"params","params":{"filter":"invert","filter":"sepia"}}""");
        var reply = await ws.ReceiveAsync();
        Assert.Equal("bad_request: params: duplicate key 'filter'", reply.Json.GetProperty("error").GetString());
        await ws.SendBinaryAsync(DuplicateKeyParams());
        Assert.Equal("bad_request: params: duplicate key 'filter'", MsgPackSerializer.Decode((await ws.ReceiveAsync()).Data)["error"].AsString());
        await ws.SendTextAsync("""{"type":"params","params":{"filter":"invert"}}""");
        await using var pc = new WebRtc.PeerConnection(new WebRtc.PeerConnectionOptions { HostAddresses = [IPAddress.Loopback] });
        await ws.SendTextAsync(JsonSerializer.Serialize(new { type = "offer", sdp = await pc.CreateOfferAsync() }));
        Assert.Equal("answer", (await ws.ReceiveAsync()).Json.GetProperty("type").GetString());
    }

    /// <summary>{"type":"params","params":{"filter":"a","filter":"b"}} in msgpack, written by hand (fixmap, fixstr).</summary>
    private static byte[] DuplicateKeyParams()
    {
        var bytes = new List<byte> { 0x82 };
        void Str(string s)
        {
            bytes.Add((byte)(0xA0 | s.Length));
            bytes.AddRange(Encoding.UTF8.GetBytes(s));
        }
        Str("type"); Str("params"); Str("params");
        bytes.Add(0x82);
        Str("filter"); Str("invert"); Str("filter"); Str("sepia");
        return bytes.ToArray();
    }

    [Fact]
    public async Task Only_HS256_tokens_are_accepted()
    {
        Assert.True(await TokenWorks(Forge(SecurityAlgorithms.HmacSha256, ["echo"])));
        Assert.False(await TokenWorks(ForgeByHand("HS512", (k, d) => HMACSHA512.HashData(k, d))));
        Assert.False(await TokenWorks(ForgeByHand("HS384", (k, d) => HMACSHA384.HashData(k, d))));
        var unsigned = new JsonWebTokenHandler().CreateToken(JsonSerializer.Serialize(new
        {
            iss = "webrtcbridge", aud = "webrtcbridge", sub = "test-key", allowed_apps = new[] { "echo" },
            exp = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds(),
        }));
        Assert.False(await TokenWorks(unsigned)); // alg "none"
    }

    [Fact]
    public async Task A_token_with_no_allowed_apps_allows_no_app()
        => Assert.False(await TokenWorks(Forge(SecurityAlgorithms.HmacSha256, [])));

    [Fact]
    public void A_short_signing_key_stops_the_server_at_start_with_a_clear_error()
    {
        var e = Assert.Throws<InvalidOperationException>(() => BridgeServer.Build(
            ["--urls", "http://127.0.0.1:0", "--Auth:Keys:0", TestServer.Key, "--Auth:SigningKey", "too-short"]));
        Assert.Contains("Auth:SigningKey must be at least 32 bytes", e.Message);
    }

    [Fact]
    public async Task Token_requests_need_1_to_32_app_names_and_a_body_of_at_most_16_KiB()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await RequestToken(JsonContent.Create(new { allowed_apps = Array.Empty<string>() }))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await RequestToken(JsonContent.Create(new { token_expiration = 60 }))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await RequestToken(JsonContent.Create(new { allowed_apps = Enumerable.Range(0, 33).Select(i => "app" + i) }))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await RequestToken(JsonContent.Create(new { allowed_apps = Enumerable.Range(0, 32).Select(i => "app" + i) }))).StatusCode);
        var big = new StringContent("{\"allowed_apps\":[\"echo\"],\"pad\":\"" + new string('x', 17 * 1024) + "\"}", Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await RequestToken(big)).StatusCode);
    }

    [Fact]
    public async Task Tokens_in_the_query_string_never_reach_the_logs()
    {
        var response = await RequestToken(JsonContent.Create(new { allowed_apps = new[] { "echo" } }));
        var token = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetString()!;
        Assert.True(await TokenWorks(token));
        await using (var bad = await WsTestClient.ConnectAsync(_server.WsUrl("bridge/echo/realtime?x=1&fal_jwt_token=not-a-real-token-123&y=2")))
            await bad.ReadUntilCloseAsync();
        var lines = _logs.Lines.ToArray();
        Assert.Contains(lines, l => l.Contains("fal_jwt_token=[redacted]", StringComparison.Ordinal)); // the request lines were logged
        Assert.DoesNotContain(lines, l => l.Contains(token, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(token.Split('.')[2], StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("not-a-real-token-123", StringComparison.Ordinal));
    }

    [Fact]
    public void Redaction_replaces_every_token_value_and_keeps_the_rest()
        => Assert.Equal("GET /a?fal_jwt_token=[redacted]&b=1 and FAL_JWT_TOKEN=[redacted] end",
            LogRedaction.Redact("GET /a?fal_jwt_token=abc.def.ghi&b=1 and FAL_JWT_TOKEN=xyz end"));

    [Fact]
    public async Task Http_500_bodies_carry_no_exception_text()
    {
        var response = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Post, _server.HttpUrl("test/throws"))
        {
            Content = new StringContent("{}", Encoding.UTF8, "application/json"),
            Headers = { { "Authorization", "Key " + TestServer.Key } },
        });
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("secret internals", body);
        Assert.DoesNotContain("InvalidOperationException", body);
    }
}
