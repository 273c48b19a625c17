namespace WebRtcBridge.MediaRunner.Filters;

/// <summary>Describes one numeric filter parameter: its default and inclusive valid range.</summary>
public sealed record FilterParameter(string Name, double Default, double Min, double Max, bool IsInteger, string Description)
{
    /// <summary>
    /// The value of this parameter in <paramref name="parameters"/>, or <see cref="Default"/> when absent.
    /// Throws <see cref="FilterArgumentException"/> for NaN, infinities, values out of range, or fractions for
    /// integer parameters.
    /// </summary>
    public double Read(IReadOnlyDictionary<string, double>? parameters)
    {
        if (parameters is null || !parameters.TryGetValue(Name, out double value)) return Default;
        return Check(value);
    }

    /// <summary>Returns <paramref name="value"/> if valid for this parameter, else throws <see cref="FilterArgumentException"/>.</summary>
    public double Check(double value)
    {
        if (!double.IsFinite(value))
            throw new FilterArgumentException(Name, $"'{Name}' must be a finite number");
        if (IsInteger && value != Math.Floor(value))
            throw new FilterArgumentException(Name, $"'{Name}' must be an integer between {Min} and {Max}, got {value}");
        if (value < Min || value > Max)
            throw new FilterArgumentException(Name,
                $"'{Name}' must be {(IsInteger ? "an integer" : "a number")} between {Min} and {Max}, got {value}");
        return value;
    }

    /// <summary><see cref="Read"/> for integer parameters.</summary>
    public int ReadInt(IReadOnlyDictionary<string, double>? parameters) => (int)Read(parameters);
}
