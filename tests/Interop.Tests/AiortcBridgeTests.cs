using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using WebRtcBridge.Interop.Tests.Infrastructure;
using WebRtcBridge.Signaling.Hosting;
using Xunit.Abstractions;

namespace WebRtcBridge.Interop.Tests;

/// <summary>
/// The whole product path with aiortc as the client: our server (BridgeServer on Kestrel, 127.0.0.1) with the
/// built-in filters app, /webrtc signaling over a WebSocket, aiortc's video through the grayscale filter and back.
/// The test relays signaling between aiortc's stdio and the WebSocket, as a browser page would.
/// </summary>
[Trait("Category", "Interop")]
public sealed class AiortcBridgeTests(ITestOutputHelper output)
{
    private const string Key = "interop-key:interop-secret";
    private const int MinFrames = 60;
    private static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(25);

    [Fact]
    public async Task Aiortc_video_comes_back_grayscale_through_the_webrtc_endpoint()
    {
        var ours = InteropEnvironment.AddressA;
        await using var peer = await AiortcPeer.StartAsync("offer", InteropEnvironment.AddressB, 150, PeerTimeout, Log);

        await using var app = BridgeServer.Build(
        [
            "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning",
            "--Auth:Keys:0", Key, "--Bridge:WebRtc:HostAddresses:0", ours.ToString(),
        ]);
        await app.StartAsync();
        var http = BridgeServer.ListeningUri(app).ToString().TrimEnd('/');
        var url = new Uri(http.Replace("http://", "ws://").TrimEnd('/') + "/bridge/filters/webrtc");

        using var ws = new ClientWebSocket();
        ws.Options.SetRequestHeader("Authorization", "Key " + Key);
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15))) await ws.ConnectAsync(url, cts.Token);
        Assert.Equal("ready", (await ReceiveAsync(ws, TimeSpan.FromSeconds(15))).GetProperty("type").GetString());

        await SendAsync(ws, new { type = "params", @params = new { filter = "grayscale" } });
        var offer = (await peer.ReadJsonAsync(PeerTimeout, ["offer"], Log)).GetProperty("sdp").GetString()!;
        var clock = Stopwatch.StartNew();
        await SendAsync(ws, new { type = "offer", sdp = offer });

        // relay: the answer to aiortc; then keep reading (stats about once a second) until aiortc reports
        JsonElement? lastStats = null;
        var answered = false;
        var resultSeen = false;
        var errorsBeforeResult = new List<string>();
        using var stopReading = new CancellationTokenSource();
        var reader = Task.Run(async () =>
        {
            while (!stopReading.IsCancellationRequested)
            {
                var msg = await ReceiveAsync(ws, PeerTimeout + TimeSpan.FromSeconds(30));
                var type = msg.GetProperty("type").GetString();
                if (type == "answer")
                {
                    Log("server answer:\n" + msg.GetProperty("sdp").GetString()!.TrimEnd());
                    await peer.WriteJsonAsync(new { type = "answer", sdp = msg.GetProperty("sdp").GetString() });
                    answered = true;
                }
                else if (type == "stats") lastStats = msg;
                else
                {
                    Log("server: " + msg.GetRawText());
                    // after aiortc has finished, its close may be reported as an error; before, none may come
                    if (type == "error" && !Volatile.Read(ref resultSeen)) lock (errorsBeforeResult) errorsBeforeResult.Add(msg.GetRawText());
                }
            }
        });

        var result = await peer.ReadJsonAsync(PeerTimeout + TimeSpan.FromSeconds(30), ["result"], Log);
        Volatile.Write(ref resultSeen, true);
        var seconds = clock.Elapsed.TotalSeconds;
        await stopReading.CancelAsync();
        Log($"aiortc result after {seconds:0.0} s: {result.GetRawText()}");
        Log($"last server stats: {lastStats?.GetRawText()}");
        Assert.True(answered, "no answer from the server");
        Assert.Equal(0, await peer.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        try { await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", new CancellationTokenSource(5000).Token); }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
        try { await reader.WaitAsync(TimeSpan.FromSeconds(5)); }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or TimeoutException or ChildProcessException) { }
        lock (errorsBeforeResult) Assert.True(errorsBeforeResult.Count == 0, "server errors: " + string.Join("; ", errorsBeforeResult));

        Assert.Equal("connected", result.GetProperty("connectionState").GetString());
        var received = result.GetProperty("framesReceived").GetInt32();
        Assert.True(received >= MinFrames, $"aiortc got only {received} frames back (want >= {MinFrames})");
        Assert.Equal(640, result.GetProperty("width").GetInt32());
        Assert.Equal(480, result.GetProperty("height").GetInt32());
        Assert.True(result.GetProperty("framesChecked").GetInt32() > 0 &&
                    result.GetProperty("framesNonBlank").GetInt32() == result.GetProperty("framesChecked").GetInt32(), "blank frames came back");
        // aiortc sends strongly coloured frames (mean |U-128|,|V-128| about 50); grayscale leaves about 0
        var chroma = result.GetProperty("maxChromaDeviation").GetDouble();
        Assert.True(chroma < 3, $"frames came back coloured (mean chroma deviation {chroma}): the grayscale filter was not applied");
    }

    private static async Task SendAsync<T>(ClientWebSocket ws, T message)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await ws.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message), WebSocketMessageType.Text, true, cts.Token);
    }

    private static async Task<JsonElement> ReceiveAsync(ClientWebSocket ws, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[64 * 1024];
        var text = new StringBuilder();
        while (true)
        {
            var r = await ws.ReceiveAsync(buffer, cts.Token);
            if (r.MessageType == WebSocketMessageType.Close) throw new WebSocketException($"server closed: {r.CloseStatus} {r.CloseStatusDescription}");
            text.Append(Encoding.UTF8.GetString(buffer, 0, r.Count));
            if (text.Length > 1_000_000) throw new InvalidDataException("message over 1 MB");
            if (r.EndOfMessage) break;
        }
        using var doc = JsonDocument.Parse(text.ToString());
        return doc.RootElement.Clone();
    }

    private void Log(string line)
    {
        try { output.WriteLine(line); }
        catch (InvalidOperationException) { }
    }
}
