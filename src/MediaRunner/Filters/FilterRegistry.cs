namespace WebRtcBridge.MediaRunner.Filters;

/// <summary>
/// The built-in filters by name. Names are matched case-insensitively. Parameters arrive already converted to
/// numbers; each filter reads the parameters it knows (with defaults for absent ones) and ignores any other name,
/// so a client can send one parameter set to several filters.
/// </summary>
public static class FilterRegistry
{
    private sealed record Entry(string Name, string Description, FilterParameter[] Parameters,
        Func<IReadOnlyDictionary<string, double>?, IImageFilter> Factory);

    private static readonly Entry[] Entries =
    [
        new("identity", "returns the image unchanged", [], _ => new IdentityFilter()),
        new("invert", "inverts R, G, B", [], _ => new InvertFilter()),
        new("grayscale", "BT.601 luma", [], _ => new GrayscaleFilter()),
        new("sepia", "sepia tone", [], _ => new SepiaFilter()),
        new("mirror", "horizontal flip", [], _ => new MirrorFilter()),
        new("rotate", "clockwise rotation about the centre, same size, uncovered pixels transparent black",
            [RotateFilter.DegreesParameter], p => new RotateFilter(RotateFilter.DegreesParameter.Read(p))),
        new("blur", "box blur", [BlurFilter.RadiusParameter], p => new BlurFilter(BlurFilter.RadiusParameter.ReadInt(p))),
        new("pixelate", "mosaic of block averages", [PixelateFilter.BlockSizeParameter],
            p => new PixelateFilter(PixelateFilter.BlockSizeParameter.ReadInt(p))),
        new("edges", "Sobel edge magnitude", [], _ => new EdgesFilter()),
        new("cartoon", "smoothing, colour quantization and dark outlines",
            [CartoonFilter.LevelsParameter, CartoonFilter.EdgeThresholdParameter, CartoonFilter.SmoothParameter],
            p => new CartoonFilter(CartoonFilter.LevelsParameter.ReadInt(p), CartoonFilter.EdgeThresholdParameter.Read(p),
                CartoonFilter.SmoothParameter.ReadInt(p))),
    ];

    private static readonly string[] NameList = Array.ConvertAll(Entries, e => e.Name);

    /// <summary>The filter names, in a stable order.</summary>
    public static IReadOnlyList<string> Names => NameList;

    /// <summary>True when <paramref name="name"/> is a known filter.</summary>
    public static bool Contains(string? name) => Find(name) is not null;

    /// <summary>The parameters <paramref name="name"/> accepts (empty for parameterless filters).</summary>
    public static IReadOnlyList<FilterParameter> ParametersOf(string name) => Get(name).Parameters;

    /// <summary>A one-line description of <paramref name="name"/>.</summary>
    public static string DescriptionOf(string name) => Get(name).Description;

    /// <summary>
    /// Creates filter <paramref name="name"/> with <paramref name="parameters"/> (null or missing entries take the
    /// defaults; unknown parameter names are ignored). Throws <see cref="FilterArgumentException"/> with Field
    /// "filter" for an unknown name, or the parameter's name for an invalid value.
    /// </summary>
    public static IImageFilter Create(string name, IReadOnlyDictionary<string, double>? parameters = null)
        => Get(name).Factory(parameters);

    private static Entry Get(string? name) => Find(name) ?? throw new FilterArgumentException("filter",
        $"unknown filter '{name}'; known filters: {string.Join(", ", NameList)}");

    private static Entry? Find(string? name)
    {
        if (name is null) return null;
        foreach (var e in Entries)
            if (string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase)) return e;
        return null;
    }
}
