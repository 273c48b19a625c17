using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using WebRtcBridge.ClientKit.WebRtcStreaming;
using WebRtcBridge.MediaRunner.FrameAdapters.Remote;
using WebRtcBridge.MediaRunner.Imaging;
using WebRtcBridge.Protocol.MsgPack;
using WebRtcBridge.Signaling.Tests.Infrastructure;
using WebRtcBridge.WebRtc;
using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.Signaling.Tests;

/// <summary>
/// Two servers on loopback: an upstream with auth on, and a front serving the upstream's <c>bridge/filters</c> as the
/// remote app <c>remote/filters</c> (Apps:Remote:0). The front mints tokens with its key, and serves the app over
/// /webrtc, /realtime and POST; the WebRTC session survives an upstream restart.
/// </summary>
public sealed class RemoteAppTests : IAsyncLifetime
{
    private int _upstreamPort;
    private TestServer _upstream = null!;
    private TestServer _front = null!;

    public async Task InitializeAsync()
    {
        _upstreamPort = FreePort();
        _upstream = await StartUpstreamAsync();
        _front = await TestServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Apps:Remote:0:Id"] = "remote/filters",
            ["Apps:Remote:0:Url"] = $"ws://127.0.0.1:{_upstreamPort}/bridge/filters/realtime",
            ["Apps:Remote:0:Key"] = TestServer.Key,
            ["Apps:Remote:0:MaxBackoffSeconds"] = "0.5",
            ["Bridge:WebRtc:HostAddresses:0"] = "127.0.0.1",
        });
    }

    private Task<TestServer> StartUpstreamAsync() => TestServer.StartAsync(settings: new Dictionary<string, string?>
    {
        ["urls"] = $"http://127.0.0.1:{_upstreamPort}",
    });

    public async Task DisposeAsync()
    {
        await _front.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static byte[] GrayPng(byte value)
    {
        using var image = RgbaImage.Create(16, 8);
        for (var y = 0; y < 8; y++)
            for (var x = 0; x < 16; x++) image.SetPixel(x, y, value, value, value, 255);
        return PngCodec.Encode(image);
    }

    [Fact]
    public void The_token_url_follows_fal_clients_for_fal_hosts_and_the_host_itself_otherwise()
    {
        Assert.Equal("https://rest.fal.ai/tokens/", RemoteTokenSource.DefaultTokenUrl(new Uri("wss://fal.run/owner/app/realtime")).ToString());
        Assert.Equal("https://rest.alpha.fal.ai/tokens/", RemoteTokenSource.DefaultTokenUrl(new Uri("wss://gateway.alpha.fal.ai/owner/app/realtime")).ToString());
        Assert.Equal("http://10.0.0.5:5001/tokens/", RemoteTokenSource.DefaultTokenUrl(new Uri("ws://10.0.0.5:5001/bridge/filters/realtime")).ToString());
        Assert.Equal("https://example.com/tokens/", RemoteTokenSource.DefaultTokenUrl(new Uri("wss://example.com/a/b/realtime")).ToString());
        Assert.Equal("filters", UpstreamConnection.AliasOf(new Uri("ws://h/bridge/filters/realtime")));
        Assert.Equal("flow", UpstreamConnection.AliasOf(new Uri("ws://h/workflows/owner/flow/realtime")));
        Assert.Equal("https://fal.run/owner/app", RemoteHttpProxy.HttpUrlOf(new Uri("wss://fal.run/owner/app/realtime")).ToString());
    }

    [Fact]
    public async Task The_remote_app_answers_on_the_fronts_realtime_and_post_and_upstream_errors_reach_the_client()
    {
        await using (var ws = await WsTestClient.ConnectAsync(_front.WsUrl("/remote/filters/realtime"), "Key " + TestServer.Key))
        {
            await ws.SendBinaryAsync(MsgPackSerializer.EncodeToArray(MsgValue.Map(("image", GrayPng(10)), ("filter", "invert"))));
            var frame = await ws.ReceiveAsync();
            var result = MsgPackSerializer.Decode(frame.Data);
            using var inverted = PngCodec.Decode(result["images"][0]["content"].AsBinary().Span);
            Assert.Equal(245, inverted.GetPixel(3, 3).R);

            await ws.SendTextAsync("""{"image":"AAAA","filter":"invert"}""");
            var error = JsonMapping.FromJson((await ws.ReceiveAsync()).Data);
            Assert.Equal("x-fal-error", error["type"].AsString());
        }

        using var http = new HttpClient();
        var request = new HttpRequestMessage(HttpMethod.Post, _front.HttpUrl("/remote/filters"))
        {
            Content = new StringContent($$"""{"image":"{{Convert.ToBase64String(GrayPng(100))}}","filter":"invert"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Key", TestServer.Key);
        using var response = await http.SendAsync(request);
        var body = JsonMapping.FromJson(await response.Content.ReadAsByteArrayAsync());
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        Assert.True(JsonMapping.TryGetBytes(body["images"][0]["content"], out var png));
        using (var decoded = PngCodec.Decode(png.Span)) Assert.Equal(155, decoded.GetPixel(0, 0).R);
    }

    [Fact]
    public async Task Webrtc_through_the_front_survives_an_upstream_restart()
    {
        await using var client = new WebRtcStreamClient(new WebRtcStreamClientOptions
        {
            BaseUrl = _front.Ws,
            AppId = "remote/filters",
            Key = TestServer.Key,
            Parameters = new Dictionary<string, MsgValue> { ["filter"] = "invert" },
            PeerConnection = new PeerConnectionOptions { HostAddresses = [System.Net.IPAddress.Loopback] },
        });
        await client.ConnectAsync();
        const int W = 160, H = 120;
        var rgba = new byte[W * H * 4];
        for (var i = 0; i < rgba.Length; i += 4) { rgba[i] = 30; rgba[i + 1] = 30; rgba[i + 2] = 30; rgba[i + 3] = 255; }
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var inverted = 0;
        var plain = 0;
        var reader = Task.Run(async () =>
        {
            var px = new byte[W * H * 4];
            await foreach (var frame in client.ReadFramesAsync(cts.Token))
            {
                using (frame)
                {
                    if (frame.Frame.Width != W) continue;
                    frame.Frame.CopyToPacked(px, W * 4, PackedPixelLayout.Rgba);
                    if (px[(H / 2 * W + W / 2) * 4] > 180) Interlocked.Increment(ref inverted);
                    else Interlocked.Increment(ref plain);
                }
            }
        });
        var sender = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(33));
            for (long n = 0; !cts.IsCancellationRequested; n++)
            {
                await timer.WaitForNextTickAsync(cts.Token);
                client.SendFrame(rgba, W, H, W * 4, PackedPixelLayout.Rgba, n);
            }
        });

        await WaitUntil(() => Volatile.Read(ref inverted) >= 20, "inverted frames through the remote app");
        await _upstream.KillAsync();                     // the upstream goes away mid-stream
        var before = Volatile.Read(ref plain);
        await WaitUntil(() => Volatile.Read(ref plain) >= before + 10, "input frames passing through while the upstream is down");
        _upstream = await StartUpstreamAsync();           // and comes back on the same address
        var invertedBefore = Volatile.Read(ref inverted);
        await WaitUntil(() => Volatile.Read(ref inverted) >= invertedBefore + 20, "inverted frames again after the restart");
        await cts.CancelAsync();
        await Task.WhenAll(reader, sender).ContinueWith(_ => { });
    }

    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("timed out waiting for " + what);
            await Task.Delay(20);
        }
    }
}
