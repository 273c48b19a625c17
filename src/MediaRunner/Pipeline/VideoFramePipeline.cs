using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WebRtcBridge.MediaRunner.Overload;
using WebRtcBridge.Protocol.Buffers;
using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.MediaRunner.Pipeline;

/// <summary>
/// The per-session media pipeline (docs/architecture.md#path-of-a-frame): decoded frames are offered to a
/// latest-frame-wins slot of capacity 1; the handler runs on its own worker and takes the newest waiting frame; its
/// outputs go to the sink (encoder and sender). A busy handler makes the pipeline drop (and count) frames, never
/// queue them, so a slow handler lowers the output frame rate and latency stays bounded. A handler exception drops
/// that frame, is logged and counted, and the pipeline goes on.
/// </summary>
public sealed class VideoFramePipeline : IAsyncDisposable
{
    private readonly IVideoFrameHandler _handler;
    private readonly DropOldestBuffer<Offered> _slot;
    private readonly CountingSink _sink;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _worker;
    private long _framesIn;
    private long _framesProcessed;
    private long _handlerErrors;
    private long _framesSkipped;
    private long _handlerTicks;

    /// <param name="handler">The frame handler.</param>
    /// <param name="output">Takes each (input, output) pair the handler emits.</param>
    /// <param name="logger">For handler failures.</param>
    /// <param name="results">Where handlers' messages to the client go (<see cref="IVideoFrameSink.TrySendResult"/>);
    /// returns false when it dropped the message. None: such messages are dropped.</param>
    public VideoFramePipeline(IVideoFrameHandler handler, Action<VideoFrame, VideoFrame> output, ILogger? logger = null,
        Func<Protocol.MsgPack.MsgValue, bool>? results = null)
    {
        _handler = handler;
        _logger = logger ?? NullLogger.Instance;
        _slot = new DropOldestBuffer<Offered>(1, static o => o.Frame.Dispose());
        _sink = new CountingSink(output, results);
        _worker = Task.Run(WorkAsync);
    }

    /// <summary>Time a frame waited in the slot before the handler took it.</summary>
    public StageTimer QueueWait { get; } = new("queue");

    /// <summary>Time the handler took per frame.</summary>
    public StageTimer HandlerTime { get; } = new("handler");

    public long FramesIn => Interlocked.Read(ref _framesIn);
    public long FramesProcessed => Interlocked.Read(ref _framesProcessed);
    public long FramesOut => _sink.Count;

    /// <summary>Frames replaced in the slot by a newer one while the handler was busy.</summary>
    public long FramesDropped => _slot.DroppedCount;

    public long HandlerErrors => Interlocked.Read(ref _handlerErrors);

    /// <summary>Overload degradation: input frames it does not keep never reach the handler (<see cref="FramesSkipped"/>).</summary>
    public FrameDecimator? Decimator { get; set; }

    /// <summary>Frames left out by <see cref="Decimator"/> (a lower output frame rate by design, not drops).</summary>
    public long FramesSkipped => Interlocked.Read(ref _framesSkipped);

    /// <summary>Wall time the handler (with the sink's encode and send) has taken in all, in seconds.</summary>
    public double TotalHandlerSeconds => (double)Interlocked.Read(ref _handlerTicks) / Stopwatch.Frequency;

    /// <summary>Offers a decoded frame; the pipeline takes ownership. Never blocks.</summary>
    public void Offer(VideoFrame frame)
    {
        Interlocked.Increment(ref _framesIn);
        PipelineMetrics.FrameIn();
        if (Decimator is { } decimator && !decimator.Keep())
        {
            Interlocked.Increment(ref _framesSkipped);
            frame.Dispose();
            return;
        }
        var dropsBefore = _slot.DroppedCount;
        if (!_slot.Write(new Offered(frame, Stopwatch.GetTimestamp()))) frame.Dispose();
        if (_slot.DroppedCount != dropsBefore) PipelineMetrics.FrameDropped();
    }

    private async Task WorkAsync()
    {
        var ct = _stop.Token;
        try
        {
            while (await _slot.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                if (!_slot.TryRead(out var offered)) continue;
                var frame = offered.Frame;
                try
                {
                    QueueWait.Record(Stopwatch.GetElapsedTime(offered.At).TotalMilliseconds);
                    var start = Stopwatch.GetTimestamp();
                    _sink.Input = frame;
                    try
                    {
                        await _handler.ProcessAsync(frame, _sink, ct).ConfigureAwait(false);
                        Interlocked.Increment(ref _framesProcessed);
                    }
                    catch (OperationCanceledException) when (ct.IsCancellationRequested)
                    {
                        return;
                    }
                    catch (Exception e)
                    {
                        Interlocked.Increment(ref _handlerErrors);
                        PipelineMetrics.HandlerFailed();
                        _logger.LogWarning(e, "frame handler failed; frame {Frame} dropped", frame.FrameNumber);
                    }
                    finally
                    {
                        _sink.Input = null;
                    }
                    Interlocked.Add(ref _handlerTicks, Stopwatch.GetTimestamp() - start);
                    PipelineMetrics.HandlerTime(HandlerTime.RecordSince(start));
                }
                finally
                {
                    // A handler that emitted its input handed it to the sink, which disposes it; disposing it here too
                    // could return a frame to the pool that the decoder has already rented again.
                    if (!_sink.TakeInputEmitted()) frame.Dispose();
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    public async ValueTask DisposeAsync()
    {
        _slot.Complete();
        await _stop.CancelAsync().ConfigureAwait(false);
        try { await _worker.ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        _slot.CompleteAndDrain();
        _stop.Dispose();
    }

    private readonly record struct Offered(VideoFrame Frame, long At);

    /// <summary>
    /// Gives each output its input's timing metadata (RTP timestamp, receive time, sequence) and counts it. A handler
    /// may emit its input itself (no copy): ownership then passes to the sink, once.
    /// </summary>
    private sealed class CountingSink(Action<VideoFrame, VideoFrame> output, Func<Protocol.MsgPack.MsgValue, bool>? results) : IVideoFrameSink
    {
        private long _count;
        private bool _inputEmitted;
        public VideoFrame? Input;
        public long Count => Interlocked.Read(ref _count);

        /// <summary>True when the current input went to the sink (and resets the flag for the next frame).</summary>
        public bool TakeInputEmitted()
        {
            bool emitted = _inputEmitted;
            _inputEmitted = false;
            return emitted;
        }

        public bool TrySendResult(Protocol.MsgPack.MsgValue message) => results?.Invoke(message) ?? false;

        public void Emit(VideoFrame frame)
        {
            var input = Input ?? throw new InvalidOperationException("Emit is only valid while a frame is being handled");
            if (ReferenceEquals(frame, input))
            {
                if (_inputEmitted) throw new InvalidOperationException("the input frame can be emitted only once: the sink owns it after Emit");
                _inputEmitted = true;
            }
            else frame.CopyMetadataFrom(input);
            Interlocked.Increment(ref _count);
            PipelineMetrics.FrameOut();
            output(input, frame);
        }

        public void EmitAnswer(VideoFrame frame)
        {
            Interlocked.Increment(ref _count);
            PipelineMetrics.FrameOut();
            output(frame, frame);
        }
    }
}
