namespace WebRtcBridge.MediaRunner.Filters;

/// <summary>An unknown filter name or a bad filter parameter. <see cref="Field"/> names the culprit.</summary>
public sealed class FilterArgumentException : Exception
{
    public FilterArgumentException(string field, string message) : base(message) => Field = field;

    /// <summary>The parameter name, or "filter" when the filter name itself is wrong.</summary>
    public string Field { get; }
}
