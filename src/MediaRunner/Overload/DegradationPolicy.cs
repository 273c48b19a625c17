namespace WebRtcBridge.MediaRunner.Overload;

/// <summary>
/// Thresholds and hysteresis of <see cref="DegradationController"/>, in samples of one interval each (a second in the
/// server). Step down fast (two bad samples, or one with heavy drops), step up slowly (five calm samples, doubled
/// each time a step up is undone within <see cref="BackoffWindowSamples"/>, up to <see cref="MaxUpAfterSamples"/>),
/// in the spirit of libwebrtc's overuse detector (overuse above 85 % busy, underuse below about half of it).
/// </summary>
public sealed record DegradationPolicy
{
    /// <summary>Overloaded when more than this fraction of the offered frames was dropped in the slot.</summary>
    public double OverloadDropRatio { get; init; } = 0.05;
    /// <summary>A sample with more drops than this steps down at once.</summary>
    public double SevereDropRatio { get; init; } = 0.25;
    /// <summary>Overloaded when the session's busiest thread worked more than this fraction of the interval.</summary>
    public double OverloadBusy { get; init; } = 0.85;
    /// <summary>Overloaded also when the node's CPU is at least this loaded and the session is busier than <see cref="CalmBusy"/>.</summary>
    public double NodeSaturated { get; init; } = 0.97;
    /// <summary>Calm (a step up may follow) when at most this fraction was dropped ...</summary>
    public double CalmDropRatio { get; init; } = 0.01;
    /// <summary>... and the busy fraction, projected to the next level up, stays below this.</summary>
    public double CalmBusy { get; init; } = 0.5;
    /// <summary>Consecutive overloaded samples before a step down.</summary>
    public int DownAfterSamples { get; init; } = 2;
    /// <summary>Consecutive calm samples before a step up (the starting value of the backoff).</summary>
    public int UpAfterSamples { get; init; } = 5;
    /// <summary>Cap of the step-up backoff.</summary>
    public int MaxUpAfterSamples { get; init; } = 60;
    /// <summary>A step down this soon after a step up doubles the calm samples the next step up needs.</summary>
    public int BackoffWindowSamples { get; init; } = 10;
    /// <summary>The deepest level used (default: the ladder's floor).</summary>
    public int MaxLevel { get; init; } = DegradationLadder.Floor;
}
