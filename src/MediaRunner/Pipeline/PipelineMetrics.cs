using System.Diagnostics.Metrics;

namespace WebRtcBridge.MediaRunner.Pipeline;

/// <summary>Frame pipeline metrics (meter <c>WebRtcBridge.Pipeline</c>).</summary>
public static class PipelineMetrics
{
    public const string MeterName = "WebRtcBridge.Pipeline";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> In = Meter.CreateCounter<long>("pipeline.frames.in");
    private static readonly Counter<long> Out = Meter.CreateCounter<long>("pipeline.frames.out");
    private static readonly Counter<long> Dropped = Meter.CreateCounter<long>("pipeline.frames.dropped", description: "frames replaced in the latest-frame slot while the handler was busy");
    private static readonly Counter<long> Errors = Meter.CreateCounter<long>("pipeline.handler.errors");
    private static readonly Histogram<double> Handler = Meter.CreateHistogram<double>("pipeline.handler.time", "ms");

    internal static void FrameIn() => In.Add(1);
    internal static void FrameOut() => Out.Add(1);
    internal static void FrameDropped() => Dropped.Add(1);
    internal static void HandlerFailed() => Errors.Add(1);
    internal static void HandlerTime(double ms) => Handler.Record(ms);
}
