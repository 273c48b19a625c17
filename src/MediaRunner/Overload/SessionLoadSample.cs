namespace WebRtcBridge.MediaRunner.Overload;

/// <summary>
/// What one session's pipeline did over one sampling interval (about a second), as the degradation controller sees it.
/// </summary>
/// <param name="FramesOffered">Decoded frames that reached the pipeline's slot (after the level's frame skipping).</param>
/// <param name="FramesDropped">Of those, frames replaced in the slot by a newer one while the handler was busy.</param>
/// <param name="Busy">
/// Fraction of the interval the session's busiest thread worked: the pipeline worker (handler + encode + send) or the
/// connection's loop thread (decode), wall time. Near 1 the session cannot keep up with its input; on a saturated node
/// every session's wall time stretches, so this also sees CPU starvation.
/// </param>
/// <param name="NodeLoad">The node's measured CPU load, a fraction of all cores (<see cref="NodeLoad"/>).</param>
public readonly record struct SessionLoadSample(long FramesOffered, long FramesDropped, double Busy, double NodeLoad)
{
    /// <summary>Dropped / offered (0 without frames).</summary>
    public double DropRatio => FramesOffered <= 0 ? 0 : Math.Clamp((double)FramesDropped / FramesOffered, 0, 1);
}
