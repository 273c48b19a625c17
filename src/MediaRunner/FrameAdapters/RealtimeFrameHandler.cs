using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WebRtcBridge.MediaRunner.Imaging;
using WebRtcBridge.MediaRunner.Pipeline;
using WebRtcBridge.Protocol.Buffers;
using WebRtcBridge.Protocol.MsgPack;
using WebRtcBridge.Protocol.Realtime;
using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.MediaRunner.FrameAdapters;

/// <summary>
/// Any realtime app as a frame handler (docs/architecture.md, "Frame adapters"): each frame becomes the input
/// <c>{image, ...params}</c>, the output's <c>images[0]</c> (or <c>image</c>) is decoded and sent on the track with
/// the timestamps of the frame it answers, and every other output field goes to the client as
/// <c>{"type":"result", ...}</c>. Up to <see cref="FrameAdapterOptions.InFlight"/> steps run at once; a frame that
/// arrives while all are busy waits in a slot of one, where the newest replaces it (counted in <c>dropped</c>).
/// App errors are counted and shown to the client as <c>{"type":"result","error":{...}}</c>, never fatal. While the
/// runner is unavailable (a remote upstream reconnecting) the input frames pass through unprocessed (counted).
/// </summary>
public sealed class RealtimeFrameHandler : IVideoFrameHandler, IFrameHandlerReports, IAsyncDisposable
{
    private static readonly IReadOnlyList<KeyValuePair<string, MsgValue>> NoParameters = [];

    private readonly IRealtimeStepRunner _runner;
    private readonly FrameAdapterOptions _options;
    private readonly ILogger _logger;
    private readonly VideoFramePool _pool;
    private readonly Stack<PooledBufferWriter> _buffers = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile IReadOnlyList<KeyValuePair<string, MsgValue>> _parameters = NoParameters;
    private IVideoFrameSink? _sink;
    private VideoFrame? _waiting;
    private int _inFlight;
    private bool _stopping;
    private long _sequence, _lastEmitted;
    private long _steps, _answers, _dropped, _late, _errors, _results, _passedThrough, _noImage;
    private volatile string? _lastError;

    public RealtimeFrameHandler(IRealtimeStepRunner runner, FrameAdapterOptions? options = null, ILogger? logger = null)
    {
        _runner = runner;
        _options = (options ?? new FrameAdapterOptions()).Validate();
        _logger = logger ?? NullLogger.Instance;
        _pool = new VideoFramePool(2 * _options.InFlight + 4);
        Messages = new DropOldestBuffer<MsgValue>(_options.MessageCapacity);
    }

    public DropOldestBuffer<MsgValue> Messages { get; }

    /// <summary>Round trip of a step: input encode, the app (or the network and the remote app) and output decode.</summary>
    public StageTimer StepTime { get; } = new("step");

    /// <summary>The app's (or upstream's) part of the step alone.</summary>
    public StageTimer RunTime { get; } = new("run");

    public long Steps => Interlocked.Read(ref _steps);
    public long Answers => Interlocked.Read(ref _answers);
    public long Dropped => Interlocked.Read(ref _dropped);
    public long Errors => Interlocked.Read(ref _errors);
    public long Results => Interlocked.Read(ref _results);
    public long PassedThrough => Interlocked.Read(ref _passedThrough);
    public int InFlightNow { get { lock (_gate) return _inFlight; } }

    public void UpdateParameters(IReadOnlyDictionary<string, MsgValue> parameters)
        => _parameters = parameters.Where(p => p.Key != FrameInputEncoder.ImageField).ToList();

    public ValueTask ProcessAsync(VideoFrame input, IVideoFrameSink output, CancellationToken cancellationToken)
    {
        _sink ??= output;
        if (!_runner.IsAvailable)
        {
            Interlocked.Increment(ref _passedThrough);
            output.Emit(input); // the sink owns the input now
            return ValueTask.CompletedTask;
        }
        var copy = _pool.Rent(input.Width, input.Height);
        input.CopyTo(copy);
        copy.CopyMetadataFrom(input);
        lock (_gate)
        {
            if (_stopping)
            {
                copy.Dispose();
                return ValueTask.CompletedTask;
            }
            if (_inFlight >= _options.InFlight)
            {
                if (_waiting is not null)
                {
                    _waiting.Dispose();
                    Interlocked.Increment(ref _dropped);
                }
                _waiting = copy;
                return ValueTask.CompletedTask;
            }
            _inFlight++;
        }
        _ = Task.Run(() => RunStepsAsync(copy), CancellationToken.None);
        return ValueTask.CompletedTask;
    }

    /// <summary>Runs a step for <paramref name="frame"/>, then for whatever frame waited meanwhile, until none waits.</summary>
    private async Task RunStepsAsync(VideoFrame frame)
    {
        PooledBufferWriter buffer;
        lock (_buffers) buffer = _buffers.Count > 0 ? _buffers.Pop() : new PooledBufferWriter();
        try
        {
            for (VideoFrame? next = frame; next is not null; next = TakeWaiting())
                await RunStepAsync(next, buffer).ConfigureAwait(false);
        }
        finally
        {
            lock (_buffers) _buffers.Push(buffer);
        }
    }

    private VideoFrame? TakeWaiting()
    {
        lock (_gate)
        {
            var next = _stopping ? null : _waiting;
            _waiting = null;
            if (next is null && --_inFlight == 0 && _stopping) _idle.TrySetResult();
            return next;
        }
    }

    private async Task RunStepAsync(VideoFrame frame, PooledBufferWriter buffer)
    {
        var sequence = Interlocked.Increment(ref _sequence);
        Interlocked.Increment(ref _steps);
        var owned = frame;
        var start = Stopwatch.GetTimestamp();
        try
        {
            var input = FrameInputEncoder.Encode(frame, _options, _parameters, buffer);
            var runStart = Stopwatch.GetTimestamp();
            var output = await _runner.RunAsync(input, _stop.Token).ConfigureAwait(false);
            RunTime.RecordSince(runStart);
            owned = null;
            HandleOutput(output, frame, sequence);
            StepTime.RecordSince(start);
        }
        catch (StepUnavailableException) when (owned is not null)
        {
            Emit(frame, sequence, passThrough: true); // keep the video moving while the upstream is away
            owned = null;
        }
        catch (RealtimeStepException e)
        {
            Fail(e.Code, e.Reason);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested) { }
        catch (ImageFormatException e)
        {
            Fail(RealtimeErrorCodes.BadRequest, "output image: " + e.Message);
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "realtime frame step failed");
            Fail(RealtimeErrorCodes.InternalError, e.Message);
        }
        finally
        {
            owned?.Dispose();
        }
    }

    /// <summary>Decodes the answer onto the track and sends the other fields as a result. Disposes <paramref name="input"/>.</summary>
    private void HandleOutput(MsgValue output, VideoFrame input, long sequence)
    {
        using (input)
        {
            if (output.Kind != MsgValueKind.Map)
            {
                Fail(RealtimeErrorCodes.InternalError, "output is not a map");
                return;
            }
            SendResult(output);
            if (!OutputImageDecoder.TryFind(output, out var bytes, out var problem))
            {
                Interlocked.Increment(ref _noImage);
                if (problem is not null) Fail(RealtimeErrorCodes.BadRequest, problem);
                return;
            }
            var frame = OutputImageDecoder.Decode(bytes.Span, _pool, _options.MaxOutputPixels);
            frame.CopyMetadataFrom(input);
            Emit(frame, sequence, passThrough: false);
        }
    }

    private void Emit(VideoFrame frame, long sequence, bool passThrough)
    {
        var sink = _sink;
        lock (_gate)
        {
            // An answer older than one already sent would make the video jump back: dropped (counted as late).
            if (sink is null || _stopping || sequence < _lastEmitted)
            {
                if (sink is not null && !_stopping) Interlocked.Increment(ref _late);
                frame.Dispose();
                return;
            }
            _lastEmitted = sequence;
            Interlocked.Increment(ref passThrough ? ref _passedThrough : ref _answers);
            sink.EmitAnswer(frame);
        }
    }

    private void SendResult(MsgValue output)
    {
        List<KeyValuePair<string, MsgValue>>? fields = null;
        foreach (var (name, value) in output.AsMapEntries())
        {
            if (OutputImageDecoder.IsImageField(name) || name is "request_id" or "type") continue;
            (fields ??= [new("type", "result")]).Add(new(name, value));
        }
        if (fields is null) return;
        Interlocked.Increment(ref _results);
        Messages.Write(MsgValue.FromMap(fields));
    }

    private void Fail(string code, string reason)
    {
        Interlocked.Increment(ref _errors);
        _lastError = $"{code}: {reason}";
        Messages.Write(MsgValue.Map(("type", "result"), ("error", MsgValue.Map(("error", code), ("reason", reason)))));
    }

    public MsgValue Stats() => MsgValue.Map(
        ("steps", Steps),
        ("answers", Answers),
        ("inFlight", InFlightNow),
        ("maxInFlight", _options.InFlight),
        ("dropped", Dropped),
        ("late", Interlocked.Read(ref _late)),
        ("errors", Errors),
        ("lastError", _lastError),
        ("results", Results),
        ("messagesDropped", Messages.DroppedCount),
        ("withoutImage", Interlocked.Read(ref _noImage)),
        ("passedThrough", PassedThrough),
        ("stepMs", Round(StepTime.Percentile(50))),
        ("stepP99Ms", Round(StepTime.Percentile(99))),
        ("runMs", Round(RunTime.Percentile(50))),
        ("upstream", _runner.Stats()));

    private static double Round(double v) => double.IsNaN(v) ? 0 : Math.Round(v, 2);

    public async ValueTask DisposeAsync()
    {
        bool busy;
        lock (_gate)
        {
            _stopping = true;
            _waiting?.Dispose();
            _waiting = null;
            busy = _inFlight > 0;
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        if (busy) await _idle.Task.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        Messages.Complete();
        if (_runner is IAsyncDisposable owned) await owned.DisposeAsync().ConfigureAwait(false);
        lock (_buffers)
            while (_buffers.Count > 0) _buffers.Pop().Dispose();
    }
}
