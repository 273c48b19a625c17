using System.Diagnostics.Metrics;

namespace WebRtcBridge.MediaRunner.Realtime;

/// <summary>Realtime WebSocket session metrics (meter <c>WebRtcBridge.Realtime</c>).</summary>
public static class RealtimeMetrics
{
    public const string MeterName = "WebRtcBridge.Realtime";

    private static readonly Meter Meter = new(MeterName);
    private static readonly UpDownCounter<long> ActiveSessions = Meter.CreateUpDownCounter<long>("realtime.sessions.active");
    private static readonly Counter<long> Inputs = Meter.CreateCounter<long>("realtime.inputs");
    private static readonly Counter<long> Rejected = Meter.CreateCounter<long>("realtime.inputs.rejected", description: "inputs answered with an error frame before the handler");
    private static readonly Counter<long> Dropped = Meter.CreateCounter<long>("realtime.inputs.dropped", description: "inputs dropped by the drop-oldest buffer");
    private static readonly Counter<long> Outputs = Meter.CreateCounter<long>("realtime.outputs");
    private static readonly Counter<long> Failures = Meter.CreateCounter<long>("realtime.handler.errors");
    private static readonly Histogram<double> Latency = Meter.CreateHistogram<double>("realtime.latency", "ms", "input received to output sent");

    private static long _active;

    /// <summary>Sessions running now in this process.</summary>
    public static long Active => Interlocked.Read(ref _active);

    internal static void SessionStarted()
    {
        Interlocked.Increment(ref _active);
        ActiveSessions.Add(1);
    }

    internal static void SessionEnded(long dropped)
    {
        Interlocked.Decrement(ref _active);
        ActiveSessions.Add(-1);
        if (dropped > 0) Dropped.Add(dropped);
    }

    internal static void InputReceived() => Inputs.Add(1);
    internal static void InputRejected() => Rejected.Add(1);
    internal static void HandlerFailed() => Failures.Add(1);

    internal static void OutputSent(double latencyMs)
    {
        Outputs.Add(1);
        Latency.Record(latencyMs);
    }
}
