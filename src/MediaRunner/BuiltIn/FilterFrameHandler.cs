using System.Buffers;
using WebRtcBridge.MediaRunner.Filters;
using WebRtcBridge.MediaRunner.Pipeline;
using WebRtcBridge.Protocol.MsgPack;
using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.MediaRunner.BuiltIn;

/// <summary>
/// <c>bridge/filters</c> on live video: the same filters as on images, one output frame per input frame. Filters
/// with an I420 form (identity, invert, grayscale, mirror) run on the planes directly; the others go through RGBA
/// (libyuv) and back. <c>params</c> messages switch the filter between frames.
/// </summary>
public sealed class FilterFrameHandler : IVideoFrameHandler
{
    private volatile IImageFilter _filter;
    private readonly VideoFramePool _outputs = new(4); // output frames come back here when the sender disposes them

    public FilterFrameHandler(string filter = "identity", IReadOnlyDictionary<string, double>? parameters = null)
        => _filter = FilterSelection.Create(filter, parameters ?? new Dictionary<string, double>());

    public string FilterName => _filter.Name;

    public void UpdateParameters(IReadOnlyDictionary<string, MsgValue> parameters)
    {
        var name = parameters.TryGetValue(FilterSelection.FilterField, out var f)
            ? (f.Kind == MsgValueKind.String ? f.AsString() : throw new Protocol.Binding.InputValidationException("filter", "filter must be a string"))
            : _filter.Name;
        _filter = FilterSelection.Create(name, FilterSelection.Parameters(parameters));
    }

    public ValueTask ProcessAsync(VideoFrame input, IVideoFrameSink output, CancellationToken cancellationToken)
    {
        var filter = _filter;
        if (filter is IdentityFilter)
        {
            output.Emit(input); // the frame itself goes on: no copy, no allocation (the sink owns it now)
            return ValueTask.CompletedTask;
        }
        var result = _outputs.Rent(input.Width, input.Height);
        try
        {
            input.CopyTo(result);
            if (!I420Filters.TryApplyInPlace(filter, result.Y, result.StrideY, result.U, result.StrideUV, result.V, result.StrideUV,
                    result.Width, result.Height))
                ApplyThroughRgba(filter, input, result);
            output.Emit(result);
            return ValueTask.CompletedTask;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    private static void ApplyThroughRgba(IImageFilter filter, VideoFrame input, VideoFrame result)
    {
        var stride = input.Width * 4;
        var length = stride * input.Height;
        var src = ArrayPool<byte>.Shared.Rent(length);
        var dst = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            input.CopyToPacked(src.AsSpan(0, length), stride, PackedPixelLayout.Rgba);
            filter.Apply(src.AsSpan(0, length), dst.AsSpan(0, length), input.Width, input.Height, stride);
            result.CopyFromPacked(dst.AsSpan(0, length), stride, PackedPixelLayout.Rgba);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(src);
            ArrayPool<byte>.Shared.Return(dst);
        }
    }
}
