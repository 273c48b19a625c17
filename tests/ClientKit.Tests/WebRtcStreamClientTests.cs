using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using WebRtcBridge.ClientKit.WebRtcStreaming;
using WebRtcBridge.Protocol.MsgPack;
using WebRtcBridge.Signaling.Hosting;
using WebRtcBridge.WebRtc;
using WebRtcBridge.WebRtc.Media;
using Xunit.Abstractions;

namespace WebRtcBridge.ClientKit.Tests;

/// <summary>The game-engine client through the real bridge (/webrtc → filters) over 127.0.0.1 UDP.</summary>
public sealed class WebRtcStreamClientTests(ITestOutputHelper output) : IAsyncLifetime
{
    private WebApplication _server = null!;
    private Uri _ws = null!;

    public async Task InitializeAsync()
    {
        _server = BridgeServer.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning",
            "--Bridge:WebRtc:HostAddresses:0", "127.0.0.1", "--Bridge:MaxSessions", "1"]);
        await _server.StartAsync();
        var http = BridgeServer.ListeningUri(_server).ToString().TrimEnd('/');
        _ws = new Uri(http.Replace("http://", "ws://") + "/");
    }

    public async Task DisposeAsync()
    {
        await _server.StopAsync();
        await _server.DisposeAsync();
    }

    private WebRtcStreamClientOptions Options(string filter) => new()
    {
        BaseUrl = _ws,
        AppId = "bridge/filters",
        Parameters = new Dictionary<string, MsgValue> { ["filter"] = filter },
        PeerConnection = new PeerConnectionOptions { HostAddresses = [System.Net.IPAddress.Loopback] },
    };

    [Fact]
    public async Task Frames_come_back_inverted_with_their_timestamps_and_a_params_message_switches_the_filter()
    {
        await using var client = new WebRtcStreamClient(Options("invert"));
        await client.ConnectAsync();
        const int W = 320, H = 240;
        var rgba = new byte[W * H * 4];
        for (var i = 0; i < rgba.Length; i += 4) { rgba[i] = 200; rgba[i + 1] = 60; rgba[i + 2] = 30; rgba[i + 3] = 255; }
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var received = new List<(long Ts, double RttMs, byte R)>();
        var reader = Task.Run(async () =>
        {
            await foreach (var frame in client.ReadFramesAsync(cts.Token))
            {
                using (frame)
                {
                    var px = new byte[W * H * 4];
                    frame.Frame.CopyToPacked(px, W * 4, PackedPixelLayout.Rgba);
                    lock (received) received.Add((frame.OriginalTimestamp, frame.RoundTrip.TotalMilliseconds, px[(H / 2 * W + W / 2) * 4]));
                }
            }
        });
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(33));
        long switchedAt = 0, sentAfterSwitch = -1;
        for (var n = 0; n < 150; n++)
        {
            await timer.WaitForNextTickAsync(cts.Token);
            if (n == 90)
            {
                await client.SetParametersAsync(new Dictionary<string, MsgValue> { ["filter"] = "identity" });
                switchedAt = Stopwatch.GetTimestamp();
                sentAfterSwitch = n;
            }
            client.SendFrame(rgba, W, H, W * 4, PackedPixelLayout.Rgba, timestamp: n);
        }
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            lock (received) if (received.Count > 0 && received[^1].Ts >= 140) break;
            await Task.Delay(20);
        }
        cts.Cancel();
        try { await reader; } catch (OperationCanceledException) { }
        List<(long Ts, double RttMs, byte R)> r;
        lock (received) r = [.. received];
        Assert.True(r.Count >= 120, $"only {r.Count} of 150 frames came back");
        Assert.All(r.Zip(r.Skip(1)), p => Assert.True(p.Second.Ts > p.First.Ts, "timestamps come back in order"));
        var before = r.Where(x => x.Ts < 85).ToList();
        Assert.All(before.Skip(5), x => Assert.InRange(x.R, 35, 75)); // 255 - 200 = 55, through VP8
        // Frames sent 0.5 s after the switch (15 frames at 30 fps) are no longer inverted.
        var after = r.Where(x => x.Ts >= sentAfterSwitch + 15).ToList();
        Assert.NotEmpty(after);
        Assert.All(after, x => Assert.InRange(x.R, 180, 220));
        var rtts = r.Select(x => x.RttMs).Order().ToList();
        output.WriteLine($"{r.Count}/150 frames back; round trip p50 {rtts[rtts.Count / 2]:F1} ms, p99 {rtts[(int)(rtts.Count * 0.99)]:F1} ms");
        _ = switchedAt;
    }

    [Fact]
    public async Task A_session_over_the_limit_is_refused_with_a_clear_error()
    {
        await using var first = new WebRtcStreamClient(Options("identity"));
        await first.ConnectAsync();
        await using var second = new WebRtcStreamClient(Options("identity"));
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => second.ConnectAsync());
        Assert.Contains("limit", e.Message);
    }
}

/// <summary>The game-engine sample against the real bridge: it prints live fps and round-trip percentiles.</summary>
public sealed class GameStreamSampleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_sample_streams_synthetic_frames_through_the_bridge_and_reports_latency()
    {
        await using var server = BridgeServer.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning",
            "--Bridge:WebRtc:HostAddresses:0", "127.0.0.1"]);
        await server.StartAsync();
        var http = BridgeServer.ListeningUri(server).ToString().TrimEnd('/');
        var log = new StringWriter();
        var result = await WebRtcBridge.Samples.GameStream.GameStreamSample.RunAsync(
            new(new Uri(http.Replace("http://", "ws://")), "invert", 320, 240, 30, TimeSpan.FromSeconds(4), HostAddresses: [System.Net.IPAddress.Loopback]), log);
        output.WriteLine(log.ToString());
        Assert.True(result.FramesReturned >= result.FramesSent * 0.8, $"{result.FramesReturned} of {result.FramesSent} came back");
        Assert.Contains("round trip p50", log.ToString());
        Assert.InRange(result.P50Ms, 0.1, 500);
        await server.StopAsync();
    }
}
