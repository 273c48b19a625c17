using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using WebRtcBridge.ClientKit.Realtime;
using WebRtcBridge.Protocol.Buffers;
using WebRtcBridge.Protocol.MsgPack;
using WebRtcBridge.Protocol.Signaling;
using WebRtcBridge.Protocol.Transport;
using WebRtcBridge.WebRtc;
using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.ClientKit.WebRtcStreaming;

/// <summary>A processed frame with the timestamp its input was sent with (so an engine can time each round trip).</summary>
public sealed record ProcessedFrame(VideoFrame Frame, long OriginalTimestamp, TimeSpan RoundTrip) : IDisposable
{
    public void Dispose() => Frame.Dispose();
}

/// <summary>Options of <see cref="WebRtcStreamClient"/>.</summary>
public sealed record WebRtcStreamClientOptions
{
    /// <summary>The server, e.g. <c>ws://127.0.0.1:5000</c>.</summary>
    public required Uri BaseUrl { get; init; }
    /// <summary>App id; null streams to the default app's bare <c>/webrtc</c>.</summary>
    public string? AppId { get; init; }
    public string? Key { get; init; }
    public Func<string, CancellationToken, ValueTask<string>>? TokenProvider { get; init; }
    /// <summary>Initial handler parameters (sent as a <c>params</c> message before the offer).</summary>
    public IReadOnlyDictionary<string, MsgValue>? Parameters { get; init; }
    public PeerConnectionOptions PeerConnection { get; init; } = new();
    /// <summary>Processed frames kept for a slow reader; older ones are dropped and counted.</summary>
    public int ResultCapacity { get; init; } = 4;
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(20);
}

/// <summary>
/// Streams frames from a game engine through the bridge's <c>/webrtc</c> endpoint and gives the processed frames
/// back as an async stream, each with the timestamp its input was sent with. Frames go in as RGBA, BGRA or I420
/// spans; conversion and encoding happen here, so the engine hands over pixels and goes on.
/// </summary>
public sealed class WebRtcStreamClient : IAsyncDisposable
{
    private readonly WebRtcStreamClientOptions _options;
    private readonly DropOldestBuffer<ProcessedFrame> _results;
    private readonly Dictionary<uint, (long Timestamp, long SentAt)> _sent = new();
    /// <summary>RTP timestamps of the last <see cref="SentCapacity"/> frames, oldest first (a ring): bounds <see cref="_sent"/>.</summary>
    private readonly uint[] _sentOrder = new uint[SentCapacity];
    private const int SentCapacity = 240;
    private long _sentCount;
    private readonly object _gate = new();
    private ClientWebSocket? _socket;
    private PeerConnection? _pc;
    private Task? _signaling;
    private readonly CancellationTokenSource _stop = new();
    private long _framesSent;
    private readonly uint _rtpBase = (uint)Random.Shared.Next();
    private long _firstTimestamp = long.MinValue;

    public WebRtcStreamClient(WebRtcStreamClientOptions options)
    {
        _options = options;
        _results = new DropOldestBuffer<ProcessedFrame>(options.ResultCapacity, static f => f.Dispose());
    }

    public long FramesSent => Interlocked.Read(ref _framesSent);
    public long DroppedResults => _results.DroppedCount;
    public PeerConnectionStats? Stats => _pc?.GetStats();

    /// <summary>Connects: signaling, offer/answer, ICE and DTLS; returns when media can flow.</summary>
    public async Task ConnectAsync(CancellationToken ct = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.ConnectTimeout);
        var realtime = new RealtimeClientOptions { BaseUrl = _options.BaseUrl, Key = _options.Key, TokenProvider = _options.TokenProvider, ConnectTimeout = _options.ConnectTimeout };
        var url = _options.AppId is null ? new Uri(_options.BaseUrl, "webrtc") : null;
        _socket = url is null
            ? await RawWebSocket.WsConnectAsync(_options.AppId!, "webrtc", realtime, timeout.Token).ConfigureAwait(false)
            : await ConnectBareAsync(url, timeout.Token).ConfigureAwait(false);
        var reader = new WebSocketMessageReader(_socket, 1 << 20);
        var first = await ReadAsync(reader, timeout.Token).ConfigureAwait(false);
        if (first is not ReadyMessage) throw new InvalidOperationException($"expected ready, got {first}");
        if (_options.Parameters is { } p) await SendAsync(new ParamsMessage(p), timeout.Token).ConfigureAwait(false);

        _pc = new PeerConnection(_options.PeerConnection);
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _pc.ConnectionStateChanged += s =>
        {
            if (s == PeerConnectionState.Connected) connected.TrySetResult();
            else if (s is PeerConnectionState.Failed or PeerConnectionState.Closed)
                connected.TrySetException(new InvalidOperationException("WebRTC connection failed: " + _pc.FailureReason));
        };
        _pc.FrameReceived += OnFrame;
        await SendAsync(new OfferMessage(await _pc.CreateOfferAsync().ConfigureAwait(false)), timeout.Token).ConfigureAwait(false);
        while (true)
        {
            var message = await ReadAsync(reader, timeout.Token).ConfigureAwait(false);
            if (message is AnswerMessage answer)
            {
                await _pc.SetRemoteAnswerAsync(answer.Sdp).ConfigureAwait(false);
                break;
            }
            if (message is ErrorMessage error) throw new InvalidOperationException("server refused the offer: " + error.Error);
        }
        _signaling = SignalingLoopAsync(reader, _stop.Token);
        await connected.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
    }

    private static async Task<ClientWebSocket> ConnectBareAsync(Uri url, CancellationToken ct)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(url, ct).ConfigureAwait(false);
        return socket;
    }

    /// <summary>Sends one frame of packed RGBA or BGRA pixels with the engine's timestamp (any monotonic unit, e.g. ticks).</summary>
    public void SendFrame(ReadOnlySpan<byte> pixels, int width, int height, int stride, PackedPixelLayout layout, long timestamp)
    {
        using var frame = VideoFrame.FromPacked(pixels, width, height, stride, layout);
        Send(frame, timestamp);
    }

    /// <summary>Sends one I420 frame.</summary>
    public void SendFrameI420(ReadOnlySpan<byte> y, int strideY, ReadOnlySpan<byte> u, int strideU, ReadOnlySpan<byte> v, int strideV,
        int width, int height, long timestamp)
    {
        using var frame = VideoFrame.Create(width, height);
        frame.CopyFromI420(y, strideY, u, strideU, v, strideV);
        Send(frame, timestamp);
    }

    private void Send(VideoFrame frame, long timestamp)
    {
        var pc = _pc ?? throw new InvalidOperationException("ConnectAsync first");
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        if (_firstTimestamp == long.MinValue) _firstTimestamp = now;
        // A 90 kHz RTP timestamp from our clock: unique per frame, and the server sends it back unchanged.
        var rtp = unchecked(_rtpBase + (uint)(System.Diagnostics.Stopwatch.GetElapsedTime(_firstTimestamp, now).Ticks * 9 / 1000));
        lock (_gate)
        {
            while (_sent.ContainsKey(rtp)) rtp++;
            var slot = (int)(_sentCount++ % SentCapacity);
            if (_sentCount > SentCapacity) _sent.Remove(_sentOrder[slot]);
            _sentOrder[slot] = rtp;
            _sent[rtp] = (timestamp, now);
        }
        frame.RtpTimestamp = rtp;
        pc.SendFrame(frame);
        Interlocked.Increment(ref _framesSent);
    }

    private void OnFrame(VideoFrame frame)
    {
        (long Timestamp, long SentAt) origin;
        bool known;
        lock (_gate) known = _sent.TryGetValue(frame.RtpTimestamp, out origin);
        if (!known)
        {
            frame.Dispose();
            return;
        }
        _results.Write(new ProcessedFrame(frame, origin.Timestamp, System.Diagnostics.Stopwatch.GetElapsedTime(origin.SentAt)));
    }

    /// <summary>Processed frames as they arrive. Dispose each one.</summary>
    public async IAsyncEnumerable<ProcessedFrame> ReadFramesAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        while (await _results.WaitToReadAsync(ct).ConfigureAwait(false))
            while (_results.TryRead(out var frame)) yield return frame;
    }

    /// <summary>Changes the handler's parameters live.</summary>
    public Task SetParametersAsync(IReadOnlyDictionary<string, MsgValue> parameters, CancellationToken ct = default)
        => SendAsync(new ParamsMessage(parameters), ct);

    private async Task SignalingLoopAsync(WebSocketMessageReader reader, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var message = await ReadAsync(reader, ct).ConfigureAwait(false);
                if (message is IceCandidateMessage c) _pc?.AddRemoteCandidate(c.Candidate);
                if (message is null) return;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or InvalidOperationException) { }
    }

    private static async Task<SignalingMessage?> ReadAsync(WebSocketMessageReader reader, CancellationToken ct)
    {
        while (true)
        {
            var (outcome, message) = await reader.ReadAsync(ct).ConfigureAwait(false);
            if (outcome == ReadOutcome.Closed) return null;
            if (outcome == ReadOutcome.TooLarge) continue;
            using (message)
            {
                var value = message!.IsText ? JsonMapping.FromJson(message.Memory.Span) : MsgPackSerializer.Decode(message.Memory.ToArray());
                if (value["type"].Kind == MsgValueKind.String && value["type"].AsString() == "stats") continue;
                return SignalingMessage.Parse(value);
            }
        }
    }

    private async Task SendAsync(SignalingMessage message, CancellationToken ct)
    {
        var bytes = JsonMapping.ToJsonBytes(message.ToValue());
        await _socket!.SendAsync(bytes, WebSocketMessageType.Text, true, ct).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_pc is not null) await _pc.DisposeAsync().ConfigureAwait(false);
        if (_socket is { State: WebSocketState.Open })
        {
            using var t = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try { await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", t.Token).ConfigureAwait(false); }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
        }
        _socket?.Dispose();
        if (_signaling is not null) await _signaling.ConfigureAwait(false);
        _results.CompleteAndDrain();
    }
}
