using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.Logging;
using WebRtcBridge.MediaRunner.Apps;
using WebRtcBridge.Protocol.Buffers;
using WebRtcBridge.Protocol.Transport;
using WebRtcBridge.Protocol.Binding;
using WebRtcBridge.Protocol.MsgPack;
using WebRtcBridge.Protocol.Realtime;

namespace WebRtcBridge.MediaRunner.Realtime;

/// <summary>
/// One realtime WebSocket session (docs/protocols.md, "Realtime messages"): a receive loop decodes frames into a bounded
/// drop-oldest input buffer (at most max_buffering inputs and <see cref="MaxQueuedInputBytes"/> bytes of decoded
/// trees; each frame's pooled buffer goes back as soon as it is decoded); a worker runs the endpoint's handler and
/// sends each output. Bad input gets an
/// <c>x-fal-error</c> text frame and the session goes on; the session timeout ends it with TIMEOUT and close 1000.
/// </summary>
public sealed class RealtimeSession
{
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Default of the byte bound on queued inputs (config <c>Bridge:MaxQueuedInputBytes</c>): 32 MiB.</summary>
    public const long DefaultMaxQueuedInputBytes = 32L * 1024 * 1024;

    private readonly WebSocket _socket;
    private readonly RealtimeEndpoint _endpoint;
    private readonly RealtimeCallContext _context;
    private readonly MessageCodec _codec;
    private readonly DropOldestBuffer<Input> _inputs;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ArrayBufferWriter<byte> _resultBuffer = new(64 * 1024);
    private readonly int _maxMessageBytes;
    private int _closeSent;
    private CancellationTokenSource? _session;

    public RealtimeSession(WebSocket socket, RealtimeEndpoint endpoint, RealtimeCallContext context,
        MessageCodec codec, int? maxBuffering = null, long maxQueuedInputBytes = DefaultMaxQueuedInputBytes)
    {
        _socket = socket;
        _endpoint = endpoint;
        _context = context;
        _codec = codec;
        _maxMessageBytes = codec.Limits.MaxMessageSize;
        var capacity = maxBuffering ?? endpoint.Options.Buffering;
        _inputs = new DropOldestBuffer<Input>(capacity, maxQueuedInputBytes, static i => i.Bytes);
    }

    /// <summary>Most bytes the queued inputs hold (their decoded trees, at least their wire size); the newest input
    /// is always kept, and older ones are dropped and counted, as when more than max_buffering are waiting.</summary>
    public long MaxQueuedInputBytes => _inputs.MaxBytes;

    /// <summary>Inputs dropped because newer ones arrived while the handler was busy (by count or by bytes).</summary>
    public long DroppedInputs => _inputs.DroppedCount;

    public long InputsReceived { get; private set; }
    public long OutputsSent { get; private set; }
    public long ErrorsSent { get; private set; }

    /// <summary>Runs until the client closes, the session times out, the connection is lost (<paramref name="ct"/>) or
    /// the server stops (<paramref name="stopping"/>: close 1001, then the client's close is awaited, bounded).</summary>
    public async Task RunAsync(CancellationToken ct, CancellationToken stopping = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _session = cts;
        using var onStop = stopping.Register(() => _ = CloseForShutdownAsync(cts));
        RealtimeMetrics.SessionStarted();
        var worker = Task.Run(() => WorkerAsync(cts.Token), CancellationToken.None);
        try
        {
            await ReceiveAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested) { }
        catch (WebSocketException e)
        {
            _context.Logger.LogInformation("realtime session socket ended: {Reason}", e.Message);
        }
        finally
        {
            _inputs.Complete();
            await cts.CancelAsync().ConfigureAwait(false);
            try { await worker.ConfigureAwait(false); }
            catch (OperationCanceledException) { }
            catch (WebSocketException) { }
            _inputs.CompleteAndDrain();
            RealtimeMetrics.SessionEnded(_inputs.DroppedCount);
            _context.Logger.LogInformation(
                "realtime session ended: {Inputs} inputs, {Outputs} outputs, {Dropped} dropped, {Errors} errors",
                InputsReceived, OutputsSent, _inputs.DroppedCount, ErrorsSent);
        }
    }

    private async Task ReceiveAsync(CancellationToken ct)
    {
        var reader = new WebSocketMessageReader(_socket, _maxMessageBytes);
        while (!ct.IsCancellationRequested)
        {
            var (outcome, message) = await reader.ReadAsync(ct).ConfigureAwait(false);
            if (outcome == ReadOutcome.Closed)
            {
                // Answer every close, including a code-less one, with 1000 (docs/protocols.md#errors-and-close-codes).
                await CloseAsync(WebSocketCloseStatus.NormalClosure, "", ct).ConfigureAwait(false);
                return;
            }
            if (outcome == ReadOutcome.TooLarge)
            {
                RealtimeMetrics.InputRejected();
                await SendErrorAsync(RealtimeErrorCodes.BadRequest,
                    $"message of {reader.LastOversizedLength} bytes exceeds the limit of {_maxMessageBytes} bytes", null, ct)
                    .ConfigureAwait(false);
                continue;
            }
            var isText = message!.IsText;
            var wireBytes = message.Length;
            MsgValue value;
            long treeBytes;
            try
            {
                // The tree owns its bytes, so the pooled buffer goes back now, not when the handler is done.
                value = _codec.DecodeOwned(message.Memory, isText, out treeBytes);
            }
            catch (MsgPackException e)
            {
                RealtimeMetrics.InputRejected();
                var kind = isText ? "JSON" : "msgpack";
                await SendErrorAsync(RealtimeErrorCodes.BadRequest, $"invalid {kind} input: {e.Message}", null, ct)
                    .ConfigureAwait(false);
                continue;
            }
            finally
            {
                message.Dispose();
            }
            if (value.Kind != MsgValueKind.Map)
            {
                RealtimeMetrics.InputRejected();
                await SendErrorAsync(RealtimeErrorCodes.BadRequest,
                    $"input must be a map, got {value.Kind.ToString().ToLowerInvariant()}", null, ct).ConfigureAwait(false);
                continue;
            }
            InputsReceived++;
            RealtimeMetrics.InputReceived();
            _inputs.Write(new Input(value, isText, Math.Max(treeBytes, wireBytes), Stopwatch.GetTimestamp()));
        }
    }

    private async Task WorkerAsync(CancellationToken ct)
    {
        var batch = new List<Input>(_endpoint.Options.MaxBatchSize);
        var values = new List<MsgValue>(_endpoint.Options.MaxBatchSize);
        while (!ct.IsCancellationRequested)
        {
            if (!await WaitForInputAsync(ct).ConfigureAwait(false)) return;
            batch.Clear();
            values.Clear();
            while (batch.Count < _endpoint.Options.MaxBatchSize && _inputs.TryRead(out var input))
            {
                batch.Add(input);
                values.Add(input.Value);
            }
            if (batch.Count == 0) continue;
            await ProcessAsync(batch, values, ct).ConfigureAwait(false);
        }
    }

    /// <summary>True when an input is ready; false when the session ends (socket gone or session timeout).</summary>
    private async Task<bool> WaitForInputAsync(CancellationToken ct)
    {
        if (_endpoint.Options.SessionTimeout is not { } timeout)
            return await _inputs.WaitToReadAsync(ct).ConfigureAwait(false);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
        idle.CancelAfter(timeout);
        try
        {
            return await _inputs.WaitToReadAsync(idle.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            _context.Logger.LogInformation("realtime session idle for {Timeout}: TIMEOUT", timeout);
            await SendTextAsync(ControlFrames.Timeout, ct).ConfigureAwait(false);
            await CloseAsync(WebSocketCloseStatus.NormalClosure, "", ct).ConfigureAwait(false);
            // The receive loop now waits for the client's Close; a client that never sends one is cut off.
            _session?.CancelAfter(CloseHandshakeTimeout);
            return false;
        }
    }

    private async Task ProcessAsync(List<Input> batch, List<MsgValue> values, CancellationToken ct)
    {
        var last = batch[^1];
        var started = Stopwatch.GetTimestamp();
        try
        {
            await foreach (var output in _endpoint.Invoke(values, _context, ct).ConfigureAwait(false))
            {
                var result = RequestIds.Echo(last.Value, output);
                await SendResultAsync(result, last.IsText, ct).ConfigureAwait(false);
                OutputsSent++;
                RealtimeMetrics.OutputSent(Stopwatch.GetElapsedTime(last.ReceivedAt).TotalMilliseconds);
                if (_endpoint.Options.EmitTimings)
                    await SendTextAsync(ControlFrames.Timings(Stopwatch.GetElapsedTime(started).TotalSeconds), ct)
                        .ConfigureAwait(false);
            }
        }
        catch (InputValidationException e)
        {
            RealtimeMetrics.HandlerFailed();
            await SendErrorAsync(RealtimeErrorCodes.ValidationError, e.Message, e.Field, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (WebSocketException)
        {
            throw;
        }
        catch (Exception e)
        {
            RealtimeMetrics.HandlerFailed();
            _context.Logger.LogWarning(e, "realtime handler failed");
            await SendErrorAsync(RealtimeErrorCodes.InternalError, e.Message, null, ct).ConfigureAwait(false);
        }
    }

    private async Task SendResultAsync(MsgValue result, bool inputWasText, CancellationToken ct)
    {
        var asJson = _endpoint.Options.ResultEncoding switch
        {
            ResultEncoding.Json => true,
            ResultEncoding.MsgPack => false,
            _ => inputWasText,
        };
        _resultBuffer.ResetWrittenCount();
        if (asJson) _codec.EncodeJson(result, _resultBuffer);
        else _codec.EncodeMsgPack(result, _resultBuffer);
        await SendAsync(_resultBuffer.WrittenMemory, asJson ? WebSocketMessageType.Text : WebSocketMessageType.Binary, ct)
            .ConfigureAwait(false);
    }

    private Task SendErrorAsync(string code, string reason, string? field, CancellationToken ct)
    {
        ErrorsSent++;
        return SendTextAsync(ControlFrames.Error(code, reason, field), ct);
    }

    private Task SendTextAsync(string text, CancellationToken ct)
        => SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, ct);

    private async Task SendAsync(ReadOnlyMemory<byte> data, WebSocketMessageType type, CancellationToken ct)
    {
        await _sendLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived && Volatile.Read(ref _closeSent) == 0)
                await _socket.SendAsync(data, type, true, ct).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task CloseForShutdownAsync(CancellationTokenSource session)
    {
        await CloseAsync(SessionCloseCodes.ShuttingDown, "server shutting down", CancellationToken.None).ConfigureAwait(false);
        try { session.CancelAfter(CloseHandshakeTimeout); }
        catch (ObjectDisposedException) { }
    }

    private async Task CloseAsync(WebSocketCloseStatus status, string reason, CancellationToken ct)
    {
        await _sendLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (Interlocked.Exchange(ref _closeSent, 1) != 0) return;
            if (_socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived)) return;
            using var timeout = new CancellationTokenSource(CloseHandshakeTimeout);
            try
            {
                await _socket.CloseOutputAsync(status, reason, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>A decoded input; <c>Bytes</c> is what it holds on the heap (counted against the queue's byte bound).</summary>
    private readonly record struct Input(MsgValue Value, bool IsText, long Bytes, long ReceivedAt);
}
