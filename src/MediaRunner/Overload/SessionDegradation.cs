using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WebRtcBridge.MediaRunner.Pipeline;
using WebRtcBridge.Protocol.MsgPack;
using WebRtcBridge.WebRtc;
using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.MediaRunner.Overload;

/// <summary>
/// One WebRTC session's overload degradation: samples its pipeline and connection once an interval
/// (<see cref="SessionLoadSample"/>), lets a <see cref="DegradationController"/> decide the level, and applies it: the
/// pipeline's <see cref="FrameDecimator"/> (output frame rate) and the connection's <see cref="VideoSendAdaptation"/>
/// (bitrate share, encoder speed, scale), with the bitrate share also following the frames that actually reach the
/// encoder (<see cref="FollowOutputRate"/>). Reports frames sent back and the level to the <see cref="NodeLoad"/>, which
/// grants steps back up. The level is in every <c>stats</c> message (<see cref="ToStatsValue"/>).
/// </summary>
public sealed class SessionDegradation : IDisposable
{
    private readonly PeerConnection _pc;
    private readonly VideoFramePipeline _pipeline;
    private readonly NodeLoad? _node;
    private readonly DegradationOptions _options;
    private readonly int _baseCpuUsed;
    private readonly ILogger _logger;
    private readonly DegradationController _controller;
    private readonly FrameDecimator _decimator = new();
    private long _lastIn, _lastSkipped, _lastDropped, _lastOut;
    private double _lastHandlerSeconds, _lastDecodeSeconds;
    private long _lastTicks;
    private double _inputFps;
    private double _frameShare = 1;
    private int _disposed;

    public SessionDegradation(PeerConnection pc, VideoFramePipeline pipeline, NodeLoad? node, DegradationOptions? options,
        int baseCpuUsed, ILogger? logger = null)
    {
        _pc = pc;
        _pipeline = pipeline;
        _node = node;
        _options = options ?? new DegradationOptions();
        _baseCpuUsed = baseCpuUsed;
        _logger = logger ?? NullLogger.Instance;
        _controller = new DegradationController(_options.Policy);
        if (_options.Enabled) pipeline.Decimator = _decimator;
        _node?.SessionStarted();
        OverloadMetrics.LevelChanged(-1, 0);
        _lastTicks = Environment.TickCount64;
    }

    public int Level => _controller.Level;
    public DegradationLevel Current => DegradationLadder.Levels[_controller.Level];

    /// <summary>Samples every <see cref="DegradationOptions.Interval"/> until cancelled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_options.Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false)) Tick();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    /// <summary>One sample and decision (the loop's body).</summary>
    public void Tick()
    {
        long now = Environment.TickCount64;
        double seconds = Math.Max(0.001, (now - _lastTicks) / 1000.0);
        _lastTicks = now;
        long framesIn = _pipeline.FramesIn, skipped = _pipeline.FramesSkipped, dropped = _pipeline.FramesDropped, framesOut = _pipeline.FramesOut;
        double handler = _pipeline.TotalHandlerSeconds, decode = _pc.GetStats().TotalDecodeTime;
        long offered = framesIn - _lastIn - (skipped - _lastSkipped);
        var sample = new SessionLoadSample(offered, dropped - _lastDropped,
            Math.Max(handler - _lastHandlerSeconds, decode - _lastDecodeSeconds) / seconds,
            _node?.Read().Load ?? 0);
        _inputFps = (framesIn - _lastIn) / seconds;
        double outShare = framesIn > _lastIn ? (double)(framesOut - _lastOut) / (framesIn - _lastIn) : 1;
        _node?.AddFramesOut(framesOut - _lastOut);
        (_lastIn, _lastSkipped, _lastDropped, _lastOut, _lastHandlerSeconds, _lastDecodeSeconds) = (framesIn, skipped, dropped, framesOut, handler, decode);
        if (!_options.Enabled || framesIn == 0) return;

        int before = _controller.Level;
        var decision = _controller.Update(sample, PermitStepUp);
        if (decision.Change == DegradationChange.None)
        {
            FollowOutputRate(outShare);
            return;
        }
        _frameShare = Current.KeepFraction;
        Apply(decision.Level);
        OverloadMetrics.LevelChanged(before, decision.Level);
        bool wasBelow = DegradationLadder.Levels[before].BelowFullRate;
        if (wasBelow != Current.BelowFullRate) _node?.SessionDegraded(Current.BelowFullRate);
        _logger.LogInformation("degradation level {From} -> {To} ({Reason}): {Fps:F0} fps, scale {Scale}, cpu-used {CpuUsed}",
            before, decision.Level, decision.Reason, Current.OutputFps(_inputFps), Current.Scale, CpuUsed(Current));
    }

    // The node grants a step up when its load with this session's extra cost stays under admission's usual limit.
    private bool PermitStepUp(int to)
    {
        if (_node is null) return true;
        var s = _node.Read();
        double full = double.IsNaN(s.SessionLoad) ? 0 : s.SessionLoad * Math.Max(0.1, _inputFps / NodeLoad.NominalFps);
        double extra = full * (DegradationLadder.Levels[to].RelativeCost - Current.RelativeCost);
        return _node.TryGrantStepUp(extra, RecoverLimit);
    }

    /// <summary>Steps back up only while the node's projected load stays under this share of its cores.</summary>
    public static double RecoverLimit => 0.8;

    /// <summary>
    /// Keeps the encoder's bits per frame at their level-0 budget when fewer frames reach it than the level keeps
    /// (frames dropped in the pipeline): a CBR encoder given fewer frames makes each one larger, and larger frames cost
    /// more to encode, so an overload would feed itself. The share is the frames encoded per input frame over the last
    /// interval, in steps of 0.05, at most the level's share; it changes when it moves by a step.
    /// </summary>
    private void FollowOutputRate(double outShare)
    {
        double share = Math.Clamp(Math.Round(outShare * 20) / 20, 0.1, Current.KeepFraction);
        if (Math.Abs(share - _frameShare) < 0.05 - 1e-9) return;
        _frameShare = share;
        Apply(_controller.Level);
    }

    private void Apply(int level)
    {
        var l = DegradationLadder.Levels[level];
        _decimator.KeepFraction = l.KeepFraction;
        double bitrateFactor = Math.Min(l.KeepFraction, _frameShare) * l.Scale;
        _pc.SendAdaptation = level == 0 && bitrateFactor >= 1 ? VideoSendAdaptation.None : new VideoSendAdaptation
        {
            Scale = l.Scale,
            BitrateFactor = bitrateFactor,
            CpuUsed = l.FasterEncoder ? DegradationLadder.FasterCpuUsed(_baseCpuUsed) : null,
        };
    }

    private int CpuUsed(DegradationLevel l) => l.FasterEncoder ? DegradationLadder.FasterCpuUsed(_baseCpuUsed) : _baseCpuUsed;

    /// <summary>The <c>degradation</c> entry of a stats message.</summary>
    public MsgValue ToStatsValue()
    {
        var l = Current;
        return MsgValue.Map(
            ("level", l.Index),
            ("fps", Math.Round(l.OutputFps(_inputFps), 1)),
            ("scale", l.Scale),
            ("cpuUsed", CpuUsed(l)),
            ("bitrateFactor", Math.Round(_pc.SendAdaptation.BitrateFactor, 3)),
            ("framesSkipped", _pipeline.FramesSkipped));
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        OverloadMetrics.LevelChanged(_controller.Level, -1);
        if (Current.BelowFullRate) _node?.SessionDegraded(false);
        _node?.SessionEnded();
    }
}
