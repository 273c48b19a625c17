namespace WebRtcBridge.MediaRunner.Overload;

/// <summary>
/// Keeps an even share of frames: with <see cref="KeepFraction"/> 2/3 it keeps two of every three, spread out (an
/// accumulator, not bursts). One caller thread for <see cref="Keep"/>; the fraction may be changed from any thread.
/// </summary>
public sealed class FrameDecimator
{
    private double _keepFraction = 1;
    private double _credit;

    /// <summary>Share of frames kept, (0, 1].</summary>
    public double KeepFraction
    {
        get => Volatile.Read(ref _keepFraction);
        set
        {
            if (!(value > 0 && value <= 1)) throw new ArgumentOutOfRangeException(nameof(value), value, "keep fraction must be in (0, 1]");
            Volatile.Write(ref _keepFraction, value);
        }
    }

    /// <summary>True when this frame should go on.</summary>
    public bool Keep()
    {
        double keep = Volatile.Read(ref _keepFraction);
        if (keep >= 1)
        {
            _credit = 0;
            return true;
        }
        _credit += keep;
        if (_credit < 1 - 1e-9) return false;
        _credit -= 1;
        return true;
    }
}
