namespace WebRtcBridge.WebRtc.Media;

/// <summary>
/// How the send path lightens its work under overload (set by the application's degradation controller): encode at
/// <see cref="Scale"/> of the frame's size (libyuv downscale before the encoder; the encoder restarts with a keyframe
/// at the new size), at <see cref="BitrateFactor"/> of the target bitrate (REMB-driven bitrate times this factor), and
/// at libvpx speed <see cref="CpuUsed"/> (null: the configured one). Immutable; assign a new one to change.
/// </summary>
public sealed record VideoSendAdaptation
{
    /// <summary>No adaptation: full size, full bitrate, configured speed.</summary>
    public static VideoSendAdaptation None { get; } = new();

    private readonly double _scale = 1, _bitrateFactor = 1;

    /// <summary>Linear scale of the encoded picture, (0, 1].</summary>
    public double Scale
    {
        get => _scale;
        init => _scale = value > 0 && value <= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Scale), value, "scale must be in (0, 1]");
    }

    /// <summary>Fraction of the target bitrate, (0, 1].</summary>
    public double BitrateFactor
    {
        get => _bitrateFactor;
        init => _bitrateFactor = value > 0 && value <= 1 ? value : throw new ArgumentOutOfRangeException(nameof(BitrateFactor), value, "bitrate factor must be in (0, 1]");
    }

    /// <summary>libvpx cpu-used (-16..16) to use instead of the configured one; null keeps it.</summary>
    public int? CpuUsed { get; init; }

    /// <summary>The encoded size for a <paramref name="width"/> x <paramref name="height"/> frame: scaled, even, at least 16x16.</summary>
    public (int Width, int Height) ScaledSize(int width, int height)
    {
        if (_scale >= 1) return (width, height);
        static int Dim(int d, double s) => Math.Min(d, Math.Max(16, (int)Math.Round(d * s / 2) * 2));
        return (Dim(width, _scale), Dim(height, _scale));
    }
}
