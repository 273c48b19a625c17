using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using WebRtcBridge.MediaRunner.Apps;
using WebRtcBridge.MediaRunner.Overload;
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
/// One <c>/webrtc</c> session (docs/protocols.md): signaling on the WebSocket, media on a server-role
/// <see cref="PeerConnection"/>, and every decoded frame through the app's frame handler and back out. Sends
/// <c>ready</c> first, answers the offer, takes trickled candidates, applies <c>params</c> live, and reports
/// <c>stats</c> about once a second. Replies use the encoding of the client's last message (JSON text or msgpack).
/// The media connection (and its UDP socket) exists only once an offer arrived; a session without one by
/// <see cref="WebRtcSessionOptions.OfferTimeout"/> is ended.
/// <para>Every end (client close, peer closed media, media failure, app, shutdown, deadline) is a <see cref="SessionEnd"/>:
/// an error message where it helps, then a close frame with its code (RFC 6455 §5.5.1), then the receive loop
/// drains until the client's close frame. The pending receive is never cancelled: cancelling a .NET WebSocket
/// receive aborts the socket, and the client would see 1006 instead of our close.</para>
/// </summary>
public sealed class WebRtcSession : IAsyncDisposable
{
    private readonly WebSocket _socket;
    private readonly IVideoFrameHandler _handler;
    private readonly RealtimeCallContext _context;
    private readonly MessageCodec _codec;
    private readonly WebRtcSessionOptions _options;
    private readonly VideoFramePipeline _pipeline;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly StageTimer _encodeTime = new("encode+send");
    private readonly TaskCompletionSource<SessionEnd> _end = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private const int MaxEarlyCandidates = 32;
    private readonly List<string?> _earlyCandidates = [];
    private PeerConnection? _pc;
    private SessionDegradation? _degradation;
    private volatile bool _ending;
    private bool _closeSent;
    // Handler messages to the client (e.g. a model's results): one waits at most, a newer one replaces it.
    private readonly Protocol.Buffers.DropOldestBuffer<MsgValue> _results = new(1);
    private bool _binaryReplies;
    private bool _answered;

    public WebRtcSession(WebSocket socket, IVideoFrameHandler handler, RealtimeCallContext context, MessageCodec codec,
        WebRtcSessionOptions options, VideoSessionControl? control = null)
    {
        _socket = socket;
        _handler = handler;
        _context = context;
        _codec = codec;
        _options = options;
        _pipeline = new VideoFramePipeline(handler, SendOutput, context.Logger, _results.Write);
        control?.Attach(End);
    }

    /// <summary>The media connection, once an offer has been accepted.</summary>
    public PeerConnection? PeerConnection => _pc;
    public VideoFramePipeline Pipeline => _pipeline;

    /// <summary>Ends the session (the first end wins).</summary>
    public void End(SessionEnd end) => _end.TrySetResult(end);

    private void SendOutput(VideoFrame input, VideoFrame output)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            _pc?.SendFrame(output);
        }
        finally
        {
            _encodeTime.RecordSince(start);
            output.Dispose();
        }
    }

    /// <summary>Runs the session to its end and closes the socket. <paramref name="aborted"/>: the connection is gone;
    /// <paramref name="stopping"/>: the server is shutting down (close 1001).</summary>
    /// <returns>How the session ended.</returns>
    public async Task<SessionEnd> RunAsync(CancellationToken aborted, CancellationToken stopping = default)
    {
        using var loops = new CancellationTokenSource();
        using var drain = new CancellationTokenSource();
        using var onStop = stopping.Register(() => End(SessionEnd.Shutdown));
        using var onAbort = aborted.Register(() => End(SessionEnd.ConnectionLost));
        await SendAsync(new ReadyMessage(), loops.Token).ConfigureAwait(false);
        var receive = ReceiveLoopAsync(drain.Token);
        var stats = StatsLoopAsync(loops.Token);
        var degrade = DegradationLoopAsync(loops.Token);
        var deadline = OfferDeadlineAsync(loops.Token);
        var results = _handler is IFrameHandlerReports reports ? ForwardHandlerMessagesAsync(reports, loops.Token) : Task.CompletedTask;
        var modelResults = ResultLoopAsync(loops.Token);
        if (await Task.WhenAny(receive, _end.Task).ConfigureAwait(false) == receive)
        {
            // The receive loop ends by itself only when the client's close frame arrived or the socket failed.
            End(receive.IsCompletedSuccessfully ? SessionEnd.ClientClosed : SessionEnd.ConnectionLost);
        }
        var end = await _end.Task.ConfigureAwait(false);
        _ending = true;
        await loops.CancelAsync().ConfigureAwait(false);
        try { await Task.WhenAll(stats, deadline, degrade, results, modelResults).ConfigureAwait(false); }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException) { }
        if (_pc is { } pc) await pc.CloseAsync().ConfigureAwait(false);
        _context.Logger.LogInformation("WebRTC session ended: {Code} {Reason}{Error}", (int)end.Code, end.Reason,
            end.Error is null ? "" : " (" + end.Error + ")");
        if (end.Code != WebSocketCloseStatus.Empty)
        {
            if (end.Error is not null) await TrySendAsync(new ErrorMessage(end.Error)).ConfigureAwait(false);
            await CloseOutputAsync(end).ConfigureAwait(false);
        }
        // Drain until the client's close frame; a client that never answers is cut off.
        if (await Task.WhenAny(receive, Task.Delay(_options.CloseHandshakeTimeout, CancellationToken.None)).ConfigureAwait(false) != receive)
            await drain.CancelAsync().ConfigureAwait(false);
        try { await receive.ConfigureAwait(false); }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException) { }
        return end;
    }

    private async Task OfferDeadlineAsync(CancellationToken ct)
    {
        await Task.Delay(_options.OfferTimeout, ct).ConfigureAwait(false);
        if (!Volatile.Read(ref _answered)) End(SessionEnd.OfferTimeout(_options.OfferTimeout));
    }

    /// <summary>Returns when the client's close frame arrived; throws when the socket failed.</summary>
    private async Task ReceiveLoopAsync(CancellationToken ct)
    {
        var reader = new WebSocketMessageReader(_socket, _options.MaxMessageBytes);
        while (true)
        {
            var (outcome, message) = await reader.ReadAsync(ct).ConfigureAwait(false);
            if (outcome == ReadOutcome.Closed) return;
            if (_ending)
            {
                message?.Dispose();
                continue;
            }
            try
            {
                await HandleFrameAsync(outcome, message, reader).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not (WebSocketException or OperationCanceledException))
            {
                _context.Logger.LogError(e, "WebRTC session failed");
                End(SessionEnd.ServerFault(e.GetType().Name));
            }
        }
    }

    private async Task HandleFrameAsync(ReadOutcome outcome, PooledMessage? message, WebSocketMessageReader reader)
    {
        if (outcome == ReadOutcome.TooLarge)
        {
            _options.OversizedMessage?.Invoke();
            await SendAsync(new ErrorMessage($"bad_request: message of {reader.LastOversizedLength} bytes exceeds the limit of {_options.MaxMessageBytes} bytes"), default).ConfigureAwait(false);
            return;
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
                await SendAsync(new ErrorMessage("bad_request: " + e.Message), default).ConfigureAwait(false);
                return;
            }
        }
        await HandleAsync(parsed).ConfigureAwait(false);
    }

    private async Task HandleAsync(SignalingMessage message)
    {
        switch (message)
        {
            case OfferMessage offer:
                if (_answered)
                {
                    await SendAsync(new ErrorMessage("offer_failed: this session already has a connection; renegotiation is not supported"), default).ConfigureAwait(false);
                    return;
                }
                await AcceptOfferAsync(offer).ConfigureAwait(false);
                return;
            case IceCandidateMessage candidate:
                if (_pc is not null) _pc.AddRemoteCandidate(candidate.Candidate);
                else if (_earlyCandidates.Count < MaxEarlyCandidates) _earlyCandidates.Add(candidate.Candidate);
                else await SendAsync(new ErrorMessage($"bad_request: more than {MaxEarlyCandidates} candidates before the offer"), default).ConfigureAwait(false);
                return;
            case ParamsMessage p:
                try
                {
                    _handler.UpdateParameters(p.Params);
                }
                catch (InputValidationException e)
                {
                    await SendAsync(new ErrorMessage($"params_failed: {e.Field}: {e.Problem}"), default).ConfigureAwait(false);
                }
                return;
            case CloseMessage:
                End(SessionEnd.ClientClosed);
                return;
            default:
                await SendAsync(new ErrorMessage($"bad_request: unexpected message '{message.Type}'"), default).ConfigureAwait(false);
                return;
        }
    }

    /// <summary>Creates the media connection (binding its UDP socket) for the first offer and answers it.</summary>
    private async Task AcceptOfferAsync(OfferMessage offer)
    {
        PeerConnection pc;
        try
        {
            pc = new PeerConnection(_options.PeerConnection);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            _context.Logger.LogWarning("no media port for the offer: {Error}", e.Message);
            await SendAsync(new ErrorMessage("offer_failed: no media port available"), default).ConfigureAwait(false);
            return;
        }
        try
        {
            // Candidates trickled before the offer wait in the connection until it has the remote description.
            foreach (var early in _earlyCandidates) pc.AddRemoteCandidate(early);
            _earlyCandidates.Clear();
            var answer = await pc.AcceptOfferAsync(offer.Sdp).ConfigureAwait(false);
            pc.FrameReceived += _pipeline.Offer;
            pc.ConnectionStateChanged += state =>
            {
                // Failed is an error for the client; Disconnected (the peer sent close_notify) is a normal end;
                // Closed is ours.
                if (state == PeerConnectionState.Failed) End(SessionEnd.MediaFailed(pc.FailureReason ?? "failed"));
                else if (state == PeerConnectionState.Disconnected) End(SessionEnd.PeerClosedMedia);
            };
            _degradation = new SessionDegradation(pc, _pipeline, _options.NodeLoad, _options.Degradation,
                _options.PeerConnection.Encoder.CpuUsed, _context.Logger);
            _pc = pc;
            Volatile.Write(ref _answered, true);
            await SendAsync(new AnswerMessage(answer), default).ConfigureAwait(false);
            await SendAsync(new IceCandidateMessage(null, null, null), default).ConfigureAwait(false);
        }
        catch (SdpException e)
        {
            if (_pc != pc) await pc.DisposeAsync().ConfigureAwait(false);
            await SendAsync(new ErrorMessage("offer_failed: " + e.Message), default).ConfigureAwait(false);
        }
    }

    /// <summary>The handler's own messages (e.g. <c>{"type":"result",...}</c>) go to the client as they come.</summary>
    private async Task ForwardHandlerMessagesAsync(IFrameHandlerReports reports, CancellationToken ct)
    {
        while (await reports.Messages.WaitToReadAsync(ct).ConfigureAwait(false))
            while (reports.Messages.TryRead(out var message)) await SendRawAsync(message, ct).ConfigureAwait(false);
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
        using var timer = new PeriodicTimer(_options.StatsInterval);
        long lastIn = 0, lastOut = 0, lastBytes = 0, lastDecoded = 0, lastEncoded = 0;
        double lastDecodeTime = 0, lastEncodeTime = 0;
        var last = Stopwatch.GetTimestamp();
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            if (_pc is not { } pc) continue;
            var now = Stopwatch.GetTimestamp();
            var seconds = Stopwatch.GetElapsedTime(last, now).TotalSeconds;
            last = now;
            var s = pc.GetStats();
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
                ("packetsLost", s.PacketsLost),
                ("degradation", _degradation?.ToStatsValue() ?? MsgValue.Nil));
            if (_handler is IFrameHandlerReports reports)
                stats = MsgValue.FromMap(stats.AsMapEntries().Append(new("handler", reports.Stats())).ToList());
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

    /// <summary>Samples the session's load and applies its degradation level, once the media connection exists.</summary>
    private async Task DegradationLoopAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer((_options.Degradation ?? new DegradationOptions()).Interval);
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false)) _degradation?.Tick();
    }

    private static double PerFrameMs(double seconds, long frames) => frames <= 0 ? 0 : Math.Round(seconds * 1000 / frames, 2);

    private static double Round(double v) => double.IsNaN(v) ? 0 : Math.Round(v, 2);

    private Task SendAsync(SignalingMessage message, CancellationToken ct) => SendRawAsync(message.ToValue(), ct);

    private async Task TrySendAsync(SignalingMessage message)
    {
        try { await SendAsync(message, default).ConfigureAwait(false); }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
    }

    /// <summary><paramref name="ct"/> cancels only the wait for our turn: cancelling a WebSocket send aborts the
    /// socket, so the send itself is bounded by the close-handshake timeout instead.</summary>
    private async Task SendRawAsync(MsgValue value, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        var binary = _binaryReplies;
        if (binary) _codec.EncodeMsgPack(value, buffer);
        else _codec.EncodeJson(value, buffer);
        await _sendLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_socket.State != WebSocketState.Open || _closeSent) return;
            using var timeout = new CancellationTokenSource(_options.CloseHandshakeTimeout * 2);
            await _socket.SendAsync(buffer.WrittenMemory, binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text, true, timeout.Token).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Sends our close frame (RFC 6455 §5.5.1) without waiting for the client's; the receive loop takes that.</summary>
    private async Task CloseOutputAsync(SessionEnd end)
    {
        await _sendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_closeSent || _socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived)) return;
            _closeSent = true;
            using var timeout = new CancellationTokenSource(_options.CloseHandshakeTimeout);
            await _socket.CloseOutputAsync(end.Code, end.Reason, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
        finally
        {
            _sendLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        var pc = _pc;
        if (pc is not null)
        {
            pc.FrameReceived -= _pipeline.Offer;
            _results.Complete();
            await pc.CloseAsync().ConfigureAwait(false);
        }
        await _pipeline.DisposeAsync().ConfigureAwait(false);
        if (pc is not null) await pc.DisposeAsync().ConfigureAwait(false);
        _degradation?.Dispose();
        if (_handler is IAsyncDisposable owned) await owned.DisposeAsync().ConfigureAwait(false);
    }
}
