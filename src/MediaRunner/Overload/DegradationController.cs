namespace WebRtcBridge.MediaRunner.Overload;

/// <summary>Which way a <see cref="DegradationController"/> moved.</summary>
public enum DegradationChange { None, Down, Up }

/// <summary>The controller's answer to one sample: the level to run at and, when it changed, why.</summary>
public readonly record struct DegradationDecision(int Level, DegradationChange Change, string? Reason);

/// <summary>
/// Decides one session's degradation level from its load samples (pure and deterministic: no clock, no I/O). Steps
/// down one level when the session cannot keep up (frames dropped in the pipeline, its threads busy most of the
/// interval, or the node saturated while it is busy), never below <see cref="DegradationPolicy.MaxLevel"/>; steps back up one
/// level after enough calm samples when the next level up is projected to stay calm and the node grants it
/// (<c>permitStepUp</c>: the node allows one step up at a time, within its budget). The first sample after a change
/// is ignored (it mixes both levels).
/// </summary>
public sealed class DegradationController(DegradationPolicy? policy = null)
{
    private readonly DegradationPolicy _policy = policy ?? new DegradationPolicy();
    private int _bad, _calm, _settle, _samplesSinceUp = int.MaxValue / 2;
    private int _upAfter = (policy ?? new DegradationPolicy()).UpAfterSamples;

    public int Level { get; private set; }

    /// <summary>Calm samples the next step up needs now (grows with backoff).</summary>
    public int UpAfterSamples => _upAfter;

    public DegradationDecision Update(in SessionLoadSample sample, Func<int, bool>? permitStepUp = null)
    {
        var p = _policy;
        _samplesSinceUp++;
        if (_settle > 0)
        {
            _settle--;
            return new DegradationDecision(Level, DegradationChange.None, null);
        }
        string? overload = sample.DropRatio > p.OverloadDropRatio ? $"dropped {sample.DropRatio:P0} of frames"
            : sample.Busy > p.OverloadBusy ? $"busy {sample.Busy:P0}"
            : sample.NodeLoad >= p.NodeSaturated && sample.Busy > p.CalmBusy ? $"node load {sample.NodeLoad:P0}"
            : null;
        if (overload is not null)
        {
            _calm = 0;
            _bad++;
            if (Level < p.MaxLevel && (_bad >= p.DownAfterSamples || sample.DropRatio > p.SevereDropRatio))
            {
                if (_samplesSinceUp <= p.BackoffWindowSamples) _upAfter = Math.Min(_upAfter * 2, p.MaxUpAfterSamples);
                Level++;
                _bad = 0;
                _settle = 1;
                return new DegradationDecision(Level, DegradationChange.Down, overload);
            }
            return new DegradationDecision(Level, DegradationChange.None, null);
        }
        _bad = 0;
        if (Level == 0) return new DegradationDecision(0, DegradationChange.None, null);
        bool calm = sample.DropRatio <= p.CalmDropRatio && sample.Busy * DegradationLadder.CostRatio(Level - 1, Level) < p.CalmBusy;
        if (!calm)
        {
            _calm = 0;
            return new DegradationDecision(Level, DegradationChange.None, null);
        }
        if (++_calm < _upAfter || !(permitStepUp?.Invoke(Level - 1) ?? true))
            return new DegradationDecision(Level, DegradationChange.None, null);
        Level--;
        _calm = 0;
        _settle = 1;
        _samplesSinceUp = 0;
        if (Level == 0) _upAfter = p.UpAfterSamples;
        return new DegradationDecision(Level, DegradationChange.Up, "load fell");
    }
}
