using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using WebRtcBridge.MediaRunner.Pipeline;
using WebRtcBridge.Protocol.MsgPack;
using WebRtcBridge.Protocol.Realtime;
using WebRtcBridge.Protocol.Transport;

namespace WebRtcBridge.MediaRunner.FrameAdapters.Remote;

/// <summary>
/// Steps on a remote realtime app over one <see cref="UpstreamConnection"/>. fal's protocol has no correlation id
/// (the runtime does not echo <c>request_id</c>), so answers are matched to steps in order: each result or
/// <c>x-fal-error</c> answers the oldest step in flight. A step unanswered for
/// <see cref="RemoteAppOptions.StepTimeoutSeconds"/> is lost: the socket is replaced so order holds again. Upstream
/// errors are counted and returned as <see cref="RealtimeStepException"/>; a drop fails the steps in flight with
/// <see cref="StepUnavailableException"/>.
/// </summary>
public sealed class RemoteStepRunner : IRealtimeStepRunner, IAsyncDisposable
{
    private readonly RemoteAppOptions _options;
    private readonly MsgPackLimits _limits;
    private readonly UpstreamConnection _connection;
    private readonly RemoteTokenSource _tokens;
    private readonly Queue<TaskCompletionSource<MsgValue>> _pending = new();
    private readonly SemaphoreSlim _sendOrder = new(1, 1);
    private long _upstreamErrors, _lost, _unauthorized, _oversized;

    public RemoteStepRunner(RemoteAppOptions options, RemoteTokenSource tokens, MsgPackLimits limits, ILogger logger)
    {
        _options = options;
        _limits = limits;
        _tokens = tokens;
        _connection = new UpstreamConnection(options, tokens, limits.MaxMessageSize, logger, OnFrame, OnDropped);
        _connection.Start();
    }

    public bool IsAvailable => _connection.IsConnected;

    /// <summary>Upstream round trip per step (send to answer).</summary>
    public StageTimer RoundTrip { get; } = new("upstream");

    public long UpstreamErrors => Interlocked.Read(ref _upstreamErrors);
    public UpstreamConnection Connection => _connection;

    public async ValueTask<MsgValue> RunAsync(MsgValue input, CancellationToken cancellationToken)
    {
        var frame = new ArrayBufferWriter<byte>(64 * 1024);
        if (_options.IsJson)
        {
            using var writer = new Utf8JsonWriter(frame);
            JsonMapping.WriteJson(input, writer);
        }
        else MsgPackSerializer.Encode(input, frame);
        if (frame.WrittenCount > _limits.MaxMessageSize)
            throw new RealtimeStepException(RealtimeErrorCodes.BadRequest, $"input of {frame.WrittenCount} bytes exceeds the message limit");

        var answer = new TaskCompletionSource<MsgValue>(TaskCreationOptions.RunContinuationsAsynchronously);
        var start = Stopwatch.GetTimestamp();
        await _sendOrder.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_connection.IsConnected) throw new StepUnavailableException("upstream not connected");
            lock (_pending) _pending.Enqueue(answer); // before the send, so a fast answer finds it
            if (!await _connection.SendAsync(frame.WrittenMemory, _options.IsJson, cancellationToken).ConfigureAwait(false))
            {
                lock (_pending) Remove(answer);
                throw new StepUnavailableException("upstream send failed");
            }
        }
        finally
        {
            _sendOrder.Release();
        }
        try
        {
            var output = await answer.Task.WaitAsync(TimeSpan.FromSeconds(_options.StepTimeoutSeconds), cancellationToken).ConfigureAwait(false);
            RoundTrip.RecordSince(start);
            return output;
        }
        catch (TimeoutException)
        {
            Interlocked.Increment(ref _lost);
            _connection.Drop($"no answer within {_options.StepTimeoutSeconds} s");
            throw new StepUnavailableException("upstream step timed out");
        }
    }

    private void Remove(TaskCompletionSource<MsgValue> answer)
    {
        var kept = _pending.Where(p => p != answer).ToList();
        _pending.Clear();
        foreach (var p in kept) _pending.Enqueue(p);
    }

    private TaskCompletionSource<MsgValue>? Oldest()
    {
        lock (_pending) return _pending.TryDequeue(out var p) ? p : null;
    }

    private void OnFrame(PooledMessage? message, long length)
    {
        if (message is null)
        {
            Interlocked.Increment(ref _oversized);
            Oldest()?.TrySetException(new RealtimeStepException(RealtimeErrorCodes.BadRequest,
                $"upstream answer of {length} bytes exceeds the limit of {_limits.MaxMessageSize}"));
            return;
        }
        MsgValue value;
        try
        {
            // Answers outlive the pooled buffer, so decode from a private copy.
            value = message.IsText ? JsonMapping.FromJson(message.Memory.Span, _limits) : MsgPackSerializer.Decode(message.Memory.ToArray(), _limits);
        }
        catch (MsgPackException e)
        {
            Interlocked.Increment(ref _upstreamErrors);
            Oldest()?.TrySetException(new RealtimeStepException(RealtimeErrorCodes.BadRequest, "undecodable upstream answer: " + e.Message));
            return;
        }
        switch (RealtimeFrameClassifier.Classify(value))
        {
            case RealtimeFrameKind.Result:
                Oldest()?.TrySetResult(value);
                break;
            case RealtimeFrameKind.Error:
                Interlocked.Increment(ref _upstreamErrors);
                var (code, reason, _) = RealtimeFrameClassifier.ErrorDetails(value);
                Oldest()?.TrySetException(new RealtimeStepException(code, reason));
                break;
            case RealtimeFrameKind.Unauthorized:
                Interlocked.Increment(ref _unauthorized);
                _tokens.Invalidate();
                _connection.Drop("upstream said Unauthorized");
                break;
        }
    }

    private void OnDropped(string why)
    {
        List<TaskCompletionSource<MsgValue>> failed;
        lock (_pending)
        {
            failed = [.. _pending];
            _pending.Clear();
        }
        foreach (var p in failed) p.TrySetException(new StepUnavailableException("upstream dropped: " + why));
    }

    public MsgValue Stats() => MsgValue.Map(
        ("state", _connection.IsConnected ? "connected" : "reconnecting"),
        ("whileDown", "input frames pass through"),
        ("connects", _connection.Connects),
        ("drops", _connection.Drops),
        ("roundTripMs", Round(RoundTrip.Percentile(50))),
        ("roundTripP99Ms", Round(RoundTrip.Percentile(99))),
        ("errors", UpstreamErrors),
        ("lost", Interlocked.Read(ref _lost)),
        ("unauthorized", Interlocked.Read(ref _unauthorized)),
        ("oversized", Interlocked.Read(ref _oversized)),
        ("tokensMinted", _tokens.Minted),
        ("lastError", _connection.LastError));

    private static double Round(double v) => double.IsNaN(v) ? 0 : Math.Round(v, 2);

    public ValueTask DisposeAsync()
    {
        OnDropped("session ended");
        return _connection.DisposeAsync();
    }
}
