using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using WebRtcBridge.MediaRunner.Apps;
using WebRtcBridge.MediaRunner.Pipeline;
using WebRtcBridge.MediaRunner.WebRtcSessions;
using WebRtcBridge.Protocol.MsgPack;
using WebRtcBridge.WebRtc;
using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.Signaling.Tests.Infrastructure;

/// <summary>
/// A <c>/webrtc</c> client with our own client-role <see cref="PeerConnection"/> as the real media peer: signaling
/// over a raw WebSocket, media over loopback (optionally through a <see cref="UdpRelay"/>).
/// </summary>
public sealed class WebRtcTestPeer : IAsyncDisposable
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(20);
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WebRtcTestPeer(WsTestClient ws, PeerConnection pc)
    {
        Ws = ws;
        Pc = pc;
        pc.ConnectionStateChanged += s =>
        {
            if (s == PeerConnectionState.Connected) _connected.TrySetResult();
        };
    }

    public WsTestClient Ws { get; }
    public PeerConnection Pc { get; }

    /// <summary>Connects the signaling socket and reads <c>ready</c>.</summary>
    public static async Task<WsTestClient> OpenSignalingAsync(TestServer server, string path = "webrtc")
    {
        var ws = await WsTestClient.ConnectAsync(server.WsUrl(path), "Key " + TestServer.Key);
        var ready = await ws.ReceiveAsync();
        Assert.Equal("ready", ready.Json.GetProperty("type").GetString());
        return ws;
    }

    /// <summary>Signaling, offer/answer, and (unless told not to) a connected media path.</summary>
    public static async Task<WebRtcTestPeer> ConnectAsync(TestServer server, string path = "webrtc", Func<int, int>? mediaPort = null,
        bool waitForMedia = true)
    {
        var ws = await OpenSignalingAsync(server, path);
        var peer = new WebRtcTestPeer(ws, new PeerConnection(new PeerConnectionOptions { HostAddresses = [IPAddress.Loopback] }));
        await ws.SendTextAsync(JsonSerializer.Serialize(new { type = "offer", sdp = await peer.Pc.CreateOfferAsync() }));
        string? sdp = null;
        while (sdp is null)
        {
            var frame = await ws.ReceiveAsync();
            Assert.NotEqual(WebSocketMessageType.Close, frame.Type);
            if (frame.Json.GetProperty("type").GetString() == "answer") sdp = frame.Json.GetProperty("sdp").GetString()!;
        }
        if (mediaPort is not null) sdp = RewritePort(sdp, mediaPort);
        await peer.Pc.SetRemoteAnswerAsync(sdp);
        if (waitForMedia) await peer._connected.Task.WaitAsync(ConnectTimeout);
        return peer;
    }

    /// <summary>The server's media port in the answer, replaced (to point the client at a relay).</summary>
    private static string RewritePort(string sdp, Func<int, int> map)
    {
        var match = Regex.Match(sdp, @"a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 (\d+) typ host");
        Assert.True(match.Success, "no loopback host candidate in the answer");
        var port = match.Groups[1].Value;
        return sdp.Replace($" 127.0.0.1 {port} typ host", $" 127.0.0.1 {map(int.Parse(port))} typ host");
    }

    /// <summary>The server's media port, from the answer's loopback candidate.</summary>
    public static int ServerPort(string sdp) => int.Parse(Regex.Match(sdp, @"127\.0\.0\.1 (\d+) typ host").Groups[1].Value);

    public async ValueTask DisposeAsync()
    {
        await Pc.DisposeAsync();
        await Ws.DisposeAsync();
    }
}

/// <summary>A <c>/webrtc</c> app whose handler ends its session when told through <c>params</c>: <c>{"end":"why"}</c>
/// ends it normally, <c>{"fail":"why"}</c> with an error.</summary>
public static class EndingApp
{
    public static readonly AppId Id = new("test", "ending");

    public static void Register(AppRegistry registry)
        => registry.Add(new BridgeApp(Id).WithVideo((_, control) => new Handler(control)));

    private sealed class Handler(VideoSessionControl control) : IVideoFrameHandler
    {
        public ValueTask ProcessAsync(VideoFrame input, IVideoFrameSink output, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public void UpdateParameters(IReadOnlyDictionary<string, MsgValue> parameters)
        {
            if (parameters.TryGetValue("end", out var end)) control.End(end.AsString());
            if (parameters.TryGetValue("fail", out var fail)) control.Fail(fail.AsString());
        }
    }
}
