using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using WebRtcBridge.WebRtc;

namespace WebRtcBridge.Bench.Load;

/// <summary>
/// One light load-client session: signals over a <c>/webrtc</c> WebSocket (docs/protocols.md#webrtc-signaling, JSON text),
/// connects a client-role <see cref="PeerConnection"/> that does not decode (<c>DecodeIncoming = false</c>), replays
/// a pre-encoded clip and counts the complete frames that come back. The same session drives our server and the
/// aiortc benchmark server.
/// </summary>
public sealed class LoadSession : IAsyncDisposable
{
    private readonly EncodedClip _clip;
    private readonly ClientWebSocket _socket = new();
    private readonly PeerConnection _pc;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<string> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _receiveLoop;
    private int _clipIndex;
    private int _restartClip;
    private uint _rtpTimestamp = 90000;
    private long _framesSent, _framesReturned, _bytesReturned, _keyFrameRequests;
    private readonly List<JsonObject> _serverStats = [];
    private const int MaxStatsKept = 600;

    public LoadSession(EncodedClip clip, IPAddress clientAddress)
    {
        _clip = clip;
        _pc = new PeerConnection(new PeerConnectionOptions
        {
            HostAddresses = [clientAddress],
            BindAddress = clientAddress,
            DecodeIncoming = false,
        });
        _pc.EncodedFrameReceived += f =>
        {
            Interlocked.Add(ref _bytesReturned, f.Size);
            Interlocked.Increment(ref _framesReturned);
        };
        _pc.KeyFrameRequested += () =>
        {
            Interlocked.Increment(ref _keyFrameRequests);
            Volatile.Write(ref _restartClip, 1);
        };
        _pc.ConnectionStateChanged += s =>
        {
            if (s == PeerConnectionState.Connected) _connected.TrySetResult();
            else if (s is PeerConnectionState.Failed or PeerConnectionState.Closed)
                _connected.TrySetException(new InvalidOperationException("connection " + s + ": " + _pc.FailureReason));
        };
    }

    public long FramesSent => Interlocked.Read(ref _framesSent);
    public long FramesReturned => Interlocked.Read(ref _framesReturned);
    public long BytesReturned => Interlocked.Read(ref _bytesReturned);

    /// <summary>Frames the server's pipeline dropped, from its latest stats message (ours reports it; 0 if unknown).</summary>
    public long ServerFramesDropped
    {
        get
        {
            lock (_serverStats)
                return _serverStats.Count > 0 && _serverStats[^1]["framesDropped"] is JsonValue v && v.TryGetValue(out long n) ? n : 0;
        }
    }

    /// <summary>The server's <c>stats</c> messages so far (at most the last 600; ours sends one a second).</summary>
    public IReadOnlyList<JsonObject> ServerStats
    {
        get { lock (_serverStats) return _serverStats.ToArray(); }
    }
    public long KeyFrameRequests => Interlocked.Read(ref _keyFrameRequests);
    public bool IsConnected => _pc.ConnectionState == PeerConnectionState.Connected;
    public PeerConnection PeerConnection => _pc;

    /// <summary>Changes the server's answer before it is applied (the latency relay puts its own address in).</summary>
    public Func<string, string>? RewriteAnswer { get; init; }

    /// <summary>Signals, connects, and returns once media flows both ways can start.</summary>
    public async Task ConnectAsync(Uri webrtcUrl, TimeSpan timeout)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        cts.CancelAfter(timeout);
        await _socket.ConnectAsync(webrtcUrl, cts.Token);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _receiveLoop = ReceiveLoopAsync(ready);
        await ready.Task.WaitAsync(cts.Token);
        await SendAsync(new JsonObject { ["type"] = "params", ["params"] = new JsonObject { ["filter"] = "identity" } }, cts.Token);
        string offer = await _pc.CreateOfferAsync();
        await SendAsync(new JsonObject { ["type"] = "offer", ["sdp"] = offer }, cts.Token);
        string answer = await _answer.Task.WaitAsync(cts.Token);
        await _pc.SetRemoteAnswerAsync(RewriteAnswer is null ? answer : RewriteAnswer(answer));
        await _connected.Task.WaitAsync(cts.Token);
    }

    /// <summary>Sends the next clip frame (30 fps RTP clock). Called by the pacer only.</summary>
    public void SendNext()
    {
        if (!IsConnected) return;
        if (Interlocked.Exchange(ref _restartClip, 0) != 0) _clipIndex = 0;
        int i = _clipIndex;
        _pc.SendEncodedFrame(_clip[i], _rtpTimestamp, i == 0);
        _rtpTimestamp += 3000;
        _clipIndex = (i + 1) % _clip.Count;
        Interlocked.Increment(ref _framesSent);
    }

    private async Task ReceiveLoopAsync(TaskCompletionSource ready)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                int length = 0;
                ValueWebSocketReceiveResult r;
                do
                {
                    if (length == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                    r = await _socket.ReceiveAsync(buffer.AsMemory(length), _stop.Token);
                    length += r.Count;
                } while (!r.EndOfMessage && r.MessageType != WebSocketMessageType.Close);
                if (r.MessageType == WebSocketMessageType.Close) break;
                var message = JsonNode.Parse(buffer.AsSpan(0, length)) as JsonObject;
                switch ((string?)message?["type"])
                {
                    case "ready": ready.TrySetResult(); break;
                    case "answer": _answer.TrySetResult((string)message!["sdp"]!); break;
                    case "icecandidate":
                        _pc.AddRemoteCandidate(message!["candidate"] is JsonObject c ? (string?)c["candidate"] : null);
                        break;
                    case "stats":
                        lock (_serverStats)
                        {
                            if (_serverStats.Count == MaxStatsKept) _serverStats.RemoveAt(0);
                            _serverStats.Add(message!);
                        }
                        break;
                    case "error":
                        var error = new InvalidOperationException("server error: " + message!["error"]);
                        ready.TrySetException(error);
                        _answer.TrySetException(error);
                        break;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or JsonException) { }
        var closed = new InvalidOperationException("signaling socket closed");
        ready.TrySetException(closed);
        _answer.TrySetException(closed);
    }

    private Task SendAsync(JsonObject message, CancellationToken ct) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, ct);

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await SendAsync(new JsonObject { ["type"] = "close" }, timeout.Token);
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException) { }
        }
        await _stop.CancelAsync();
        await _pc.CloseAsync();
        if (_receiveLoop is not null) await _receiveLoop;
        _socket.Dispose();
        _stop.Dispose();
    }
}
