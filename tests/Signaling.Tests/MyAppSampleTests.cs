using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using WebRtcBridge.ClientKit.WebRtcStreaming;
using WebRtcBridge.MediaRunner.Imaging;
using WebRtcBridge.Protocol.MsgPack;
using WebRtcBridge.Signaling.Hosting;
using WebRtcBridge.Signaling.Tests.Infrastructure;
using WebRtcBridge.WebRtc;
using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.Signaling.Tests;

/// <summary>samples/MyApp: its one typed handler answers on HTTP POST, /realtime and /webrtc.</summary>
public sealed class MyAppSampleTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private Uri _http = null!;

    public async Task InitializeAsync()
    {
        _app = MyApp.MyApp.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning",
            "--Auth:Keys:0", TestServer.Key, "--Bridge:WebRtc:HostAddresses:0", "127.0.0.1"]);
        await _app.StartAsync();
        _http = new Uri(BridgeServer.ListeningUri(_app).ToString().TrimEnd('/') + "/");
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static byte[] Gray(byte value)
    {
        using var image = RgbaImage.Create(32, 16);
        for (var y = 0; y < 16; y++)
            for (var x = 0; x < 32; x++) image.SetPixel(x, y, value, value, value, 255);
        return PngCodec.Encode(image);
    }

    [Fact]
    public async Task The_handler_answers_on_post_realtime_and_webrtc()
    {
        using var http = new HttpClient();
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_http, "me/brighten"))
        {
            Content = new StringContent($$"""{"image":"{{Convert.ToBase64String(Gray(100))}}","amount":50}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Key", TestServer.Key);
        using var response = await http.SendAsync(request);
        var body = JsonMapping.FromJson(await response.Content.ReadAsByteArrayAsync());
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        Assert.Equal(150, body["mean_red"].AsDouble());

        var ws = new Uri(_http.ToString().Replace("http://", "ws://"));
        await using (var rt = await WsTestClient.ConnectAsync(new Uri(ws, "me/brighten/realtime"), "Key " + TestServer.Key))
        {
            await rt.SendBinaryAsync(MsgPackSerializer.EncodeToArray(MsgValue.Map(("image", Gray(10)), ("amount", 20))));
            var result = MsgPackSerializer.Decode((await rt.ReceiveAsync()).Data);
            Assert.Equal(30, result["mean_red"].AsDouble());
            using var jpeg = JpegCodec.Decode(result["images"][0]["content"].AsBinary().Span);
            Assert.InRange((int)jpeg.GetPixel(4, 4).R, 27, 33);
        }

        await using var client = new WebRtcStreamClient(new WebRtcStreamClientOptions
        {
            BaseUrl = ws,
            AppId = "me/brighten",
            Key = TestServer.Key,
            Parameters = new Dictionary<string, MsgValue> { ["amount"] = 100 },
            PeerConnection = new PeerConnectionOptions { HostAddresses = [System.Net.IPAddress.Loopback] },
        });
        await client.ConnectAsync();
        const int W = 160, H = 120;
        var rgba = new byte[W * H * 4];
        for (var i = 0; i < rgba.Length; i += 4) { rgba[i] = 50; rgba[i + 1] = 50; rgba[i + 2] = 50; rgba[i + 3] = 255; }
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var sender = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(33));
            for (long n = 0; !cts.IsCancellationRequested; n++)
            {
                await timer.WaitForNextTickAsync(cts.Token);
                client.SendFrame(rgba, W, H, W * 4, PackedPixelLayout.Rgba, n);
            }
        });
        var px = new byte[W * H * 4];
        var brightened = 0;
        var seen = new List<int>();
        try
        {
            await foreach (var frame in client.ReadFramesAsync(cts.Token))
            {
                using (frame)
                {
                    if (frame.Frame.Width != W) { seen.Add(-frame.Frame.Width); continue; }
                    frame.Frame.CopyToPacked(px, W * 4, PackedPixelLayout.Rgba);
                    seen.Add(px[(H / 2 * W + W / 2) * 4]);
                    if (px[(H / 2 * W + W / 2) * 4] is > 130 and < 185 && ++brightened >= 10) break; // 50 + 100, after YUV and JPEG round trips (unprocessed: about 50)
                }
            }
        }
        catch (OperationCanceledException) { }
        Assert.True(brightened >= 10, "centre red values seen: " + string.Join(",", seen.Take(40)));
        await cts.CancelAsync();
        await sender.ContinueWith(_ => { });
    }
}
