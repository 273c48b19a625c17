using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using WebRtcBridge.MediaRunner.Apps;
using WebRtcBridge.MediaRunner.Pipeline;
using WebRtcBridge.MediaRunner.Realtime;
using WebRtcBridge.Protocol.Binding;
using WebRtcBridge.Protocol.MsgPack;
using WebRtcBridge.Protocol.Signaling;
using WebRtcBridge.Protocol.Transport;
using WebRtcBridge.WebRtc;
using WebRtcBridge.WebRtc.Media;
using WebRtcBridge.WebRtc.Sdp;

namespace WebRtcBridge.MediaRunner.WebRtcSessions;

/// <summary>
/// One <c>/webrtc</c> session (realtime-protocol.md §7): signaling on the WebSocket, media on a server-role
/// <see cref="PeerConnection"/>, and every decoded frame through the app's frame handler and back out. Sends
/// <c>ready</c> first, answers the offer, takes trickled candidates, applies <c>params</c> live, and reports
/// <c>stats</c> about once a second. Replies use the encoding of the client's last message (JSON text or msgpack).
/// </summary>
public sealed class WebRtcSession : IAsyncDisposable
{
    private readonly WebSocket _socket;
    private readonly IVideoFrameHandler _handler;
    private readonly RealtimeCallContext _context;
    private readonly MessageCodec _codec;
    private readonly PeerConnection _pc;
    private readonly VideoFramePipeline _pipeline;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly StageTimer _encodeTime = new("encode+send");
    private readonly TimeSpan _statsInterval;
    // Handler messages to the client (e.g. a model's results): one waits at most, a newer one replaces it.
    private readonly Protocol.Buffers.DropOldestBuffer<MsgValue> _results = new(1);
    private bool _binaryReplies;
    private bool _answered;

    public WebRtcSession(WebSocket socket, IVideoFrameHandler handler, RealtimeCallContext context, MessageCodec codec,
        PeerConnectionOptions pcOptions, TimeSpan? statsInterval = null)
    {
        _socket = socket;
        _handler = handler;
        _context = context;
        _codec = codec;
        _statsInterval = statsInterval ?? TimeSpan.FromSeconds(1);
        _pc = new PeerConnection(pcOptions);
        _pipeline = new VideoFramePipeline(handler, SendOutput, context.Logger, _results.Write);
        _pc.FrameReceived += _pipeline.Offer;
    }

    public PeerConnection PeerConnection => _pc;
    public VideoFramePipeline Pipeline => _pipeline;

    private void SendOutput(VideoFrame input, VideoFrame output)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            _pc.SendFrame(output);
        }
        finally
        {
            _encodeTime.RecordSince(start);
            output.Dispose();
        }
    }

    public async Task RunAsync(CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var failed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pc.ConnectionStateChanged += state =>
        {
            // Failed is an error for the client; Disconnected (the peer sent close_notify) and Closed are normal ends.
            if (state == PeerConnectionState.Failed) failed.TrySetResult(_pc.FailureReason ?? "failed");
            else if (state is PeerConnectionState.Closed or PeerConnectionState.Disconnected) failed.TrySetResult("");
        };
        await SendAsync(new ReadyMessage(), cts.Token).ConfigureAwait(false);
        var stats = StatsLoopAsync(cts.Token);
        var results = ResultLoopAsync(cts.Token);
        var receive = ReceiveLoopAsync(cts.Token);
        var ended = await Task.WhenAny(receive, failed.Task).ConfigureAwait(false);
        if (ended == failed.Task && !receive.IsCompleted)
        {
            var reason = await failed.Task.ConfigureAwait(false);
            _context.Logger.LogInformation("WebRTC connection ended{Reason}", reason.Length == 0 ? " by the peer" : ": " + reason);
            if (reason.Length > 0) await TrySendAsync(new ErrorMessage("ice_failed: " + reason)).ConfigureAwait(false);
        }
        await cts.CancelAsync().ConfigureAwait(false);
        try { await Task.WhenAll(receive, stats, results).ConfigureAwait(false); }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException) { }
    }

    private async Task ReceiveLoopAsync(CancellationToken ct)
    {
        var reader = new WebSocketMessageReader(_socket, _codec.Limits.MaxMessageSize);
        while (!ct.IsCancellationRequested)
        {
            var (outcome, message) = await reader.ReadAsync(ct).ConfigureAwait(false);
            if (outcome == ReadOutcome.Closed) return;
            if (outcome == ReadOutcome.TooLarge)
            {
                await SendAsync(new ErrorMessage($"bad_request: message exceeds {_codec.Limits.MaxMessageSize} bytes"), ct).ConfigureAwait(false);
                continue;
            }
            SignalingMessage parsed;
            using (message)
            {
                _binaryReplies = !message!.IsText;
                try
                {
                    parsed = SignalingMessage.Parse(_codec.Decode(message.Memory, message.IsText));
                }
                catch (Exception e) when (e is MsgPackException or InputValidationException)
                {
                    await SendAsync(new ErrorMessage("bad_request: " + e.Message), ct).ConfigureAwait(false);
                    continue;
                }
            }
            if (!await HandleAsync(parsed, ct).ConfigureAwait(false)) return;
        }
    }

    /// <summary>False when the client asked to close.</summary>
    private async Task<bool> HandleAsync(SignalingMessage message, CancellationToken ct)
    {
        switch (message)
        {
            case OfferMessage offer:
                if (_answered)
                {
                    await SendAsync(new ErrorMessage("offer_failed: this session already has a connection; renegotiation is not supported"), ct).ConfigureAwait(false);
                    return true;
                }
                try
                {
                    var answer = await _pc.AcceptOfferAsync(offer.Sdp).ConfigureAwait(false);
                    _answered = true;
                    await SendAsync(new AnswerMessage(answer), ct).ConfigureAwait(false);
                    await SendAsync(new IceCandidateMessage(null, null, null), ct).ConfigureAwait(false);
                }
                catch (SdpException e)
                {
                    await SendAsync(new ErrorMessage("offer_failed: " + e.Message), ct).ConfigureAwait(false);
                }
                return true;
            case IceCandidateMessage candidate:
                _pc.AddRemoteCandidate(candidate.Candidate);
                return true;
            case ParamsMessage p:
                try
                {
                    _handler.UpdateParameters(p.Params);
                }
                catch (InputValidationException e)
                {
                    await SendAsync(new ErrorMessage($"params_failed: {e.Field}: {e.Problem}"), ct).ConfigureAwait(false);
                }
                return true;
            case CloseMessage:
                return false;
            default:
                await SendAsync(new ErrorMessage($"bad_request: unexpected message '{message.Type}'"), ct).ConfigureAwait(false);
                return true;
        }
    }

    /// <summary>Messages handlers sent with <see cref="IVideoFrameSink.TrySendResult"/>, one at a time, newest wins.</summary>
    private async Task ResultLoopAsync(CancellationToken ct)
    {
        while (await _results.WaitToReadAsync(ct).ConfigureAwait(false))
            if (_results.TryRead(out var message)) await SendRawAsync(message, ct).ConfigureAwait(false);
    }

    /// <summary>Handler messages replaced by a newer one before they could be sent.</summary>
    public long ResultsDropped => _results.DroppedCount;

    private async Task StatsLoopAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_statsInterval);
        long lastIn = 0, lastOut = 0, lastBytes = 0, lastDecoded = 0, lastEncoded = 0;
        double lastDecodeTime = 0, lastEncodeTime = 0;
        var last = Stopwatch.GetTimestamp();
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            if (!_answered) continue;
            var now = Stopwatch.GetTimestamp();
            var seconds = Stopwatch.GetElapsedTime(last, now).TotalSeconds;
            last = now;
            var s = _pc.GetStats();
            var framesIn = _pipeline.FramesIn;
            var framesOut = _pipeline.FramesOut;
            var stats = MsgValue.Map(
                ("type", "stats"),
                ("fpsIn", (framesIn - lastIn) / seconds),
                ("fpsOut", (framesOut - lastOut) / seconds),
                ("framesIn", framesIn),
                ("framesOut", framesOut),
                ("framesDropped", _pipeline.FramesDropped),
                ("handlerErrors", _pipeline.HandlerErrors),
                ("resultsDropped", _results.DroppedCount),
                ("stages", MsgValue.Map(
                    ("decodeMs", PerFrameMs(s.TotalDecodeTime - lastDecodeTime, s.FramesDecoded - lastDecoded)),
                    ("queueMs", Round(_pipeline.QueueWait.Percentile(50))),
                    ("handlerMs", Round(_pipeline.HandlerTime.Percentile(50))),
                    ("handlerP99Ms", Round(_pipeline.HandlerTime.Percentile(99))),
                    ("encodeMs", PerFrameMs(s.TotalEncodeTime - lastEncodeTime, s.FramesEncoded - lastEncoded)),
                    ("encodeSendMs", Round(_encodeTime.Percentile(50))))),
                ("bitrateKbps", Math.Round((s.BytesSent - lastBytes) * 8 / 1000.0 / seconds)),
                ("roundTripTimeMs", s.RoundTripTime is { } rtt ? Math.Round(rtt * 1000, 1) : null),
                ("framesDecoded", s.FramesDecoded),
                ("framesEncoded", s.FramesEncoded),
                ("packetsLost", s.PacketsLost));
            lastIn = framesIn;
            lastOut = framesOut;
            lastBytes = s.BytesSent;
            lastDecoded = s.FramesDecoded;
            lastEncoded = s.FramesEncoded;
            lastDecodeTime = s.TotalDecodeTime;
            lastEncodeTime = s.TotalEncodeTime;
            await SendRawAsync(stats, ct).ConfigureAwait(false);
        }
    }

    private static double PerFrameMs(double seconds, long frames) => frames <= 0 ? 0 : Math.Round(seconds * 1000 / frames, 2);

    private static double Round(double v) => double.IsNaN(v) ? 0 : Math.Round(v, 2);

    private Task SendAsync(SignalingMessage message, CancellationToken ct) => SendRawAsync(message.ToValue(), ct);

    private async Task TrySendAsync(SignalingMessage message)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try { await SendAsync(message, timeout.Token).ConfigureAwait(false); }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
    }

    private async Task SendRawAsync(MsgValue value, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        var binary = _binaryReplies;
        if (binary) _codec.EncodeMsgPack(value, buffer);
        else _codec.EncodeJson(value, buffer);
        await _sendLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_socket.State == WebSocketState.Open)
                await _socket.SendAsync(buffer.WrittenMemory, binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text, true, ct).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _pc.FrameReceived -= _pipeline.Offer;
        _results.Complete();
        await _pc.CloseAsync().ConfigureAwait(false);
        await _pipeline.DisposeAsync().ConfigureAwait(false);
        await _pc.DisposeAsync().ConfigureAwait(false);
    }
}
