using System.Diagnostics.Metrics;

namespace WebRtcBridge.MediaRunner.Overload;

/// <summary>Overload metrics (meter <c>WebRtcBridge.Overload</c>): node load, degradation steps, sessions per level, refusals.</summary>
public static class OverloadMetrics
{
    public const string MeterName = "WebRtcBridge.Overload";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Steps = Meter.CreateCounter<long>("overload.degradation.steps", description: "degradation level changes, tagged direction=down|up");
    private static readonly UpDownCounter<long> AtLevel = Meter.CreateUpDownCounter<long>("overload.sessions.level", description: "live sessions per degradation level, tagged level");
    private static readonly Counter<long> Refusals = Meter.CreateCounter<long>("overload.admission.refused", description: "WebRTC sessions refused because the node is at capacity");
    private static NodeLoad? _node;

    static OverloadMetrics()
    {
        Meter.CreateObservableGauge("overload.node.load", () => _node?.Read().Load ?? 0, description: "process CPU as a fraction of all cores (EWMA)");
        Meter.CreateObservableGauge("overload.node.cpu_per_frame", () => _node?.Read().CpuMsPerFrame ?? double.NaN, "ms");
    }

    internal static void Observe(NodeLoad node) => _node = node;

    internal static void Refused() => Refusals.Add(1);

    internal static void LevelChanged(int from, int to)
    {
        if (from == to) return;
        if (from >= 0)
        {
            Steps.Add(1, new KeyValuePair<string, object?>("direction", to > from ? "down" : "up"));
            AtLevel.Add(-1, new KeyValuePair<string, object?>("level", from));
        }
        if (to >= 0) AtLevel.Add(1, new KeyValuePair<string, object?>("level", to));
    }
}
