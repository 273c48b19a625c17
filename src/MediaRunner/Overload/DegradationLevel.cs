namespace WebRtcBridge.MediaRunner.Overload;

/// <summary>
/// One step of a session's overload degradation (docs/benchmarks.md, "Overload"): the fraction of input frames that
/// go through the handler and the encoder, the scale the output is encoded at, whether the encoder runs at a faster
/// (cheaper, lower quality) speed, and the session's estimated cost at this level relative to level 0.
/// </summary>
public readonly record struct DegradationLevel(int Index, double KeepFraction, double Scale, bool FasterEncoder, double RelativeCost)
{
    /// <summary>
    /// The encoder's target bitrate as a fraction of the negotiated one: fewer frames and fewer pixels get
    /// proportionally fewer bits, so the bits per frame stay where they were. Without this, a CBR encoder that gets
    /// half the frames makes each one twice as large, and larger frames cost more to encode (the overload feeds itself).
    /// </summary>
    public double BitrateFactor => KeepFraction * Scale;

    /// <summary>True below 25 fps at a 30 fps input (level 2 and deeper): what admission counts as a session held below its frame rate.</summary>
    public bool BelowFullRate => KeepFraction < 0.8;

    /// <summary>Output frame rate for an input at <paramref name="inputFps"/>.</summary>
    public double OutputFps(double inputFps) => inputFps * KeepFraction;
}

/// <summary>
/// The ladder a session walks down under load and back up when load falls: frame rate first (30 → 25 → 20 → 15 fps
/// at a 30 fps input), then a faster encoder speed, then resolution (0.75, then 0.5 at 10 fps: the floor).
/// Relative costs are estimates (decode, about a fifth of a frame's cost at 640x480, is paid for every input frame;
/// handler and encode only for the frames kept, encode about in proportion to the pixels; a cpu-used 4 steps faster
/// encodes in about 0.6 of the time: docs/benchmarks.md, encoder speed rows); they only decide whether a step back up
/// fits in the node's budget, never how far down to go.
/// </summary>
public static class DegradationLadder
{
    public static IReadOnlyList<DegradationLevel> Levels { get; } =
    [
        new(0, 1.0, 1.0, false, 1.00),
        new(1, 5.0 / 6, 1.0, false, 0.87),
        new(2, 2.0 / 3, 1.0, false, 0.73),
        new(3, 1.0 / 2, 1.0, false, 0.60),
        new(4, 1.0 / 2, 1.0, true, 0.44),
        new(5, 1.0 / 2, 0.75, true, 0.35),
        new(6, 1.0 / 3, 0.5, true, 0.24),
    ];

    /// <summary>The deepest level: a session never degrades below it.</summary>
    public static int Floor => Levels.Count - 1;

    /// <summary>How much more a session costs at <paramref name="to"/> than at <paramref name="from"/> (a ratio).</summary>
    public static double CostRatio(int to, int from) => Levels[to].RelativeCost / Levels[from].RelativeCost;

    /// <summary>libvpx cpu-used four steps faster than <paramref name="baseCpuUsed"/> (same sign, magnitude capped at 16).</summary>
    public static int FasterCpuUsed(int baseCpuUsed) => baseCpuUsed <= 0 ? Math.Max(-16, baseCpuUsed - 4) : Math.Min(16, baseCpuUsed + 4);
}
