using WebRtcBridge.MediaRunner.Apps;
using WebRtcBridge.MediaRunner.Imaging;
using WebRtcBridge.Protocol.Binding;
using WebRtcBridge.Protocol.MsgPack;

namespace WebRtcBridge.MediaRunner.BuiltIn;

/// <summary>Input of <c>bridge/filters</c>: an encoded image, a filter name and the filter's numeric parameters as
/// further fields (e.g. <c>{"image":…,"filter":"blur","radius":4}</c>).</summary>
public sealed record FilterInput(
    ReadOnlyMemory<byte> Image,
    string Filter = "identity",
    [property: MsgField("output_format")] string? OutputFormat = null,
    int Quality = 85,
    [property: MsgExtensionData] IReadOnlyDictionary<string, MsgValue>? Parameters = null);

/// <summary>One output image, as fal's image apps return them.</summary>
public sealed record ImageOutput(ReadOnlyMemory<byte> Content, string ContentType, int Width, int Height);

/// <summary>Milliseconds per stage.</summary>
public sealed record FilterTimings(double Decode, double Filter, double Encode);

/// <summary>Output of <c>bridge/filters</c>.</summary>
public sealed record FilterOutput(IReadOnlyList<ImageOutput> Images, FilterTimings Timings);

/// <summary><c>bridge/filters</c>, the default app: pixel filters on JPEG or PNG images.</summary>
public static class FiltersApp
{
    public static readonly AppId Id = new("bridge", "filters");

    public static BridgeApp Create()
    {
        var binder = RecordBinder.For<FilterInput>();
        var output = RecordBinder.For<FilterOutput>();
        return new BridgeApp(Id, "pixel filters: " + string.Join(", ", Filters.FilterRegistry.Names))
            .WithHttp((input, _, _) => ValueTask.FromResult(output.ToValue(Run(binder.FromValue(input)))))
            .WithRealtime(RealtimeEndpoint.Unary<FilterInput, FilterOutput>("/realtime",
                (input, _, _) => ValueTask.FromResult(Run(input))))
            .WithVideo(() => new FilterFrameHandler());
    }

    public static FilterOutput Run(FilterInput input)
    {
        if (input.Quality is < 1 or > 100) throw new InputValidationException("quality", "must be between 1 and 100");
        ImageFormat? format = input.OutputFormat?.ToLowerInvariant() switch
        {
            null => null,
            "png" => ImageFormat.Png,
            "jpeg" or "jpg" => ImageFormat.Jpeg,
            _ => throw new InputValidationException("output_format", "must be 'png' or 'jpeg'"),
        };
        var parameters = input.Parameters is null ? new Dictionary<string, double>() : FilterSelection.Parameters(input.Parameters);
        var result = ImageFilterProcessor.Process(input.Image.Span, input.Filter, parameters, format, input.Quality);
        return new FilterOutput(
            [new ImageOutput(result.Content, result.ContentType, result.Width, result.Height)],
            new FilterTimings(result.DecodeMs, result.FilterMs, result.EncodeMs));
    }
}
