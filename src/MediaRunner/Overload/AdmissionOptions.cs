namespace WebRtcBridge.MediaRunner.Overload;

/// <summary>Configuration section <c>Bridge:Admission</c>: refuse new WebRTC sessions by measured load.</summary>
public sealed class AdmissionOptions
{
    /// <summary>Refuse a new session when the node's projected load with it exceeds <see cref="MaxLoad"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Highest projected load admitted, as a fraction of the total CPU budget (all cores), (0, 1].</summary>
    public double MaxLoad { get; set; } = 0.85;

    /// <summary>
    /// Also refuse while at least this share of the live sessions (and at least two) runs degraded below 25 fps: the
    /// node cannot hold the frame rate of the sessions it has, whatever its own CPU reads (other processes may hold
    /// the cores). (0, 1]; 1 turns it off unless every session is degraded.
    /// </summary>
    public double MaxDegradedShare { get; set; } = 0.5;

    /// <summary>Throws <see cref="InvalidOperationException"/> naming the key when a value is out of range.</summary>
    public void Validate()
    {
        if (!(MaxLoad > 0 && MaxLoad <= 1)) throw new InvalidOperationException($"Bridge:Admission:MaxLoad must be in (0, 1], not {MaxLoad}");
        if (!(MaxDegradedShare > 0 && MaxDegradedShare <= 1))
            throw new InvalidOperationException($"Bridge:Admission:MaxDegradedShare must be in (0, 1], not {MaxDegradedShare}");
    }
}

/// <summary>Configuration section <c>Bridge:Degradation</c>: per-session degradation under overload.</summary>
public sealed class DegradationOptions
{
    /// <summary>Lower a session's frame rate, encoder speed and resolution when it cannot keep up.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often each session is sampled (tests shorten it).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Thresholds and hysteresis.</summary>
    public DegradationPolicy Policy { get; set; } = new();
}
