using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using WebRtcBridge.MediaRunner.Overload;
using WebRtcBridge.Signaling.Hosting;
using WebRtcBridge.Signaling.Tests.Infrastructure;
using WebRtcBridge.WebRtc;

namespace WebRtcBridge.Signaling.Tests;

/// <summary>
/// Admission by measured load (Bridge:Admission) on the real server, with the node's load faked through the injectable
/// <see cref="INodeLoadSource"/>; and the degradation level in the stats message.
/// </summary>
[Collection(WebRtcCollection.Name)]
public sealed class OverloadAdmissionTests
{
    /// <summary>A node whose measured load is whatever the test says.</summary>
    private sealed class FakeLoad(double load, double sessionLoad) : INodeLoadSource
    {
        public int Admitted;
        public NodeLoadSnapshot Read() => new(2, load, sessionLoad * 2000 / 30, sessionLoad, 3, 0, 0);
        public void NoteAdmitted() => Interlocked.Increment(ref Admitted);
    }

    private sealed class Running(WebApplication app) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static async Task<(Running App, Uri Ws)> StartAsync(INodeLoadSource load, params string[] settings)
    {
        var args = new List<string> { "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning",
            "--Auth:Keys:0", TestServer.Key, "--Bridge:WebRtc:HostAddresses:0", "127.0.0.1" };
        args.AddRange(settings);
        var app = BridgeServer.Build(args.ToArray(), configure: b => b.Services.AddSingleton<INodeLoadSource>(load));
        await app.StartAsync();
        return (new Running(app), new Uri(BridgeServer.ListeningUri(app).ToString().Replace("http://", "ws://").TrimEnd('/') + "/webrtc"));
    }

    [Fact]
    public async Task A_session_that_would_push_the_node_past_MaxLoad_is_refused_with_unavailable_and_1013()
    {
        var load = new FakeLoad(load: 0.80, sessionLoad: 0.10); // 0.90 > 0.85
        var (app, url) = await StartAsync(load);
        await using var _ = app;
        await using var ws = await WsTestClient.ConnectAsync(url, "Key " + TestServer.Key);
        var frame = await ws.ReceiveAsync();
        Assert.Equal(WebSocketMessageType.Text, frame.Type);
        Assert.Equal("error", frame.Json.GetProperty("type").GetString());
        var error = frame.Json.GetProperty("error").GetString()!;
        Assert.StartsWith("unavailable: node at capacity", error);
        Assert.Contains("0.90 > 0.85", error);
        Assert.Equal((WebSocketCloseStatus)1013, await ws.ReceiveCloseAsync());
        Assert.Equal(0, load.Admitted);
        using var http = new HttpClient();
        http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Key " + TestServer.Key); // /health detail needs a key
        var health = JsonDocument.Parse(await http.GetStringAsync(new Uri(url.ToString().Replace("ws://", "http://").Replace("/webrtc", "/health"))));
        Assert.Equal(0.8, health.RootElement.GetProperty("load").GetProperty("load").GetDouble(), 3);
    }

    [Theory]
    [InlineData(0.60, "--Bridge:Admission:MaxLoad", "0.85")]  // 0.70 fits
    [InlineData(0.95, "--Bridge:Admission:Enabled", "false")] // over, but admission is off
    [InlineData(0.80, "--Bridge:Admission:MaxLoad", "0.95")]  // 0.90 fits a higher limit
    public async Task A_session_that_fits_or_with_admission_off_gets_ready(double measured, string key, string value)
    {
        var load = new FakeLoad(measured, 0.10);
        var (app, url) = await StartAsync(load, key, value);
        await using var _ = app;
        await using var ws = await WsTestClient.ConnectAsync(url, "Key " + TestServer.Key);
        Assert.Equal("ready", (await ws.ReceiveAsync()).Json.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Stats_carry_the_degradation_level()
    {
        var (app, url) = await StartAsync(new FakeLoad(0.1, 0.05));
        await using var _ = app;
        await using var ws = await WsTestClient.ConnectAsync(url, "Key " + TestServer.Key);
        await ws.ReceiveAsync(); // ready
        await using var pc = new PeerConnection(new PeerConnectionOptions { HostAddresses = [IPAddress.Loopback] });
        await ws.SendTextAsync(JsonSerializer.Serialize(new { type = "offer", sdp = await pc.CreateOfferAsync() }));
        WsTestClient.Frame f;
        do f = await ws.ReceiveAsync(); while (f.Json.GetProperty("type").GetString() != "answer");
        await pc.SetRemoteAnswerAsync(f.Json.GetProperty("sdp").GetString()!);
        do f = await ws.ReceiveAsync(); while (f.Json.GetProperty("type").GetString() != "stats");
        var d = f.Json.GetProperty("degradation");
        Assert.Equal(0, d.GetProperty("level").GetInt32());
        Assert.Equal(1, d.GetProperty("scale").GetDouble());
        Assert.Equal(-6, d.GetProperty("cpuUsed").GetInt32());
    }
}
