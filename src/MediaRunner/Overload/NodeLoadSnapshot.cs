namespace WebRtcBridge.MediaRunner.Overload;

/// <summary>
/// The node's measured load at one moment (<see cref="NodeLoad"/>): what admission decides on, what /health shows,
/// and what a cluster router would route on.
/// </summary>
/// <param name="Cores">CPU cores the process may use (<see cref="Environment.ProcessorCount"/>).</param>
/// <param name="Load">Process CPU over the last seconds (EWMA), as a fraction of all cores (1 = every core busy).</param>
/// <param name="CpuMsPerFrame">Process CPU per video frame sent back (EWMA), NaN before any was measured.</param>
/// <param name="SessionLoad">Load one more session at <c>NominalFps</c> would add (<see cref="CpuMsPerFrame"/> × fps over the cores' budget), NaN when unknown.</param>
/// <param name="Sessions">Live WebRTC sessions registered.</param>
/// <param name="DegradedSessions">Of those, sessions degraded below 25 fps (<see cref="DegradationLevel.BelowFullRate"/>).</param>
/// <param name="PendingAdmissions">Sessions admitted in the last few seconds whose load the measurement may not show yet.</param>
public readonly record struct NodeLoadSnapshot(int Cores, double Load, double CpuMsPerFrame, double SessionLoad, int Sessions,
    int DegradedSessions, int PendingAdmissions)
{
    /// <summary>The load with <paramref name="newSessions"/> more sessions (the pending ones counted too).</summary>
    public double Projected(int newSessions) => Load + (PendingAdmissions + newSessions) * (double.IsNaN(SessionLoad) ? 0 : SessionLoad);

    /// <summary>For /health (detail) and logs: rounded figures, no NaN.</summary>
    public IReadOnlyDictionary<string, object?> ToHealth() => new Dictionary<string, object?>
    {
        ["cores"] = Cores,
        ["load"] = Math.Round(Load, 3),
        ["cpuMsPerFrame"] = double.IsNaN(CpuMsPerFrame) ? null : Math.Round(CpuMsPerFrame, 2),
        ["sessionLoad"] = double.IsNaN(SessionLoad) ? null : Math.Round(SessionLoad, 3),
        ["sessions"] = Sessions,
        ["degradedSessions"] = DegradedSessions,
        ["pendingAdmissions"] = PendingAdmissions,
    };
}

/// <summary>Where admission reads the node's load; <see cref="NodeLoad"/> in the server, a fake in tests.</summary>
public interface INodeLoadSource
{
    /// <summary>The current measurement.</summary>
    NodeLoadSnapshot Read();

    /// <summary>A session was admitted: count it until the measurement can show it.</summary>
    void NoteAdmitted();
}
