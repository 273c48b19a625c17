using WebRtcBridge.MediaRunner.Filters;
using WebRtcBridge.Protocol.Binding;
using WebRtcBridge.Protocol.MsgPack;

namespace WebRtcBridge.MediaRunner.BuiltIn;

/// <summary>
/// A filter name and its numeric parameters taken from message fields (<c>{"filter":"blur","radius":4}</c>), as
/// both <c>bridge/filters</c> on images and the live video handler read them. Non-numeric parameters and unknown
/// filters name the offending field.
/// </summary>
public static class FilterSelection
{
    public const string FilterField = "filter";

    /// <summary>Fields that are never filter parameters.</summary>
    private static readonly HashSet<string> NotParameters = ["filter", "image", "request_id", "output_format", "quality"];

    public static Dictionary<string, double> Parameters(IEnumerable<KeyValuePair<string, MsgValue>> fields)
    {
        var parameters = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, value) in fields)
        {
            if (NotParameters.Contains(name)) continue;
            parameters[name] = value.Kind switch
            {
                MsgValueKind.Int => value.AsInt64(),
                MsgValueKind.UInt => value.AsUInt64(),
                MsgValueKind.Float => value.AsDouble(),
                MsgValueKind.Bool => value.AsBool() ? 1 : 0,
                _ => throw new InputValidationException(name, $"filter parameter '{name}' must be a number"),
            };
        }
        return parameters;
    }

    public static IImageFilter Create(string name, IReadOnlyDictionary<string, double> parameters)
    {
        try
        {
            return FilterRegistry.Create(name, parameters);
        }
        catch (FilterArgumentException e)
        {
            throw new InputValidationException(e.Field, e.Message);
        }
    }
}
