using System.Buffers;
using Microsoft.Extensions.Logging;
using WebRtcBridge.MediaRunner.Apps;
using WebRtcBridge.MediaRunner.BuiltIn;
using WebRtcBridge.MediaRunner.Imaging;
using WebRtcBridge.Protocol.Binding;
using WebRtcBridge.Protocol.MsgPack;
using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.MediaRunner.Onnx;

/// <summary>Input of an ONNX app over HTTP and <c>/realtime</c>: a JPEG or PNG image.</summary>
public sealed record OnnxImageInput(ReadOnlyMemory<byte> Image, int Quality = 85, string? Background = null);

/// <summary>
/// An ONNX model served as an app (<c>Apps:Onnx:N</c>): <c>/webrtc</c> runs it on every frame
/// (<see cref="OnnxFrameHandler"/>); <c>POST</c> and <c>/realtime</c> take <c>{image}</c> (JPEG or PNG) and return
/// <c>{images:[{content, content_type, width, height}]}</c> as JPEG (raw mode: <c>{outputs}</c>), through the same
/// frame step as video.
/// </summary>
public static class OnnxApp
{
    public static BridgeApp Create(OnnxModel model)
    {
        var binder = RecordBinder.For<OnnxImageInput>();
        return new BridgeApp(model.Options.Id, $"ONNX model {Path.GetFileName(model.Options.Model)} ({model.Options.Mode.ToString().ToLowerInvariant()})")
            .WithHttp((input, _, ct) => RunAsync(model, binder.FromValue(input), ct))
            .WithRealtime(RealtimeEndpoint.Unary("/realtime", (input, _, ct) => RunAsync(model, binder.FromValue(input), ct)))
            .WithVideo(() => new OnnxFrameHandler(model));
    }

    /// <summary>Loads the model (errors name the config key) and makes its app.</summary>
    public static BridgeApp Load(OnnxModelOptions options, ILogger logger) => Create(OnnxModel.Load(options, logger));

    public static async ValueTask<MsgValue> RunAsync(OnnxModel model, OnnxImageInput input, CancellationToken ct)
    {
        if (input.Quality is < 1 or > 100) throw new InputValidationException("quality", "must be between 1 and 100");
        var background = MaskBackground.BlurredFrame;
        if (input.Background is not null ? !MaskBackground.TryParse(input.Background, out background)
            : !MaskBackground.TryParse(model.Options.Background, out background))
            throw new InputValidationException("background", "must be 'blur' or a colour 'R,G,B' (0..255 each)");
        using var frame = Decode(input.Image.Span);
        var lane = await model.AcquireAsync(ct).ConfigureAwait(false);
        VideoFrame? output = null;
        try
        {
            if (model.Options.Mode == OnnxMode.Raw)
                return MsgValue.Map(("outputs", OnnxFrameStep.Raw(model, lane, frame)["outputs"]));
            output = OnnxFrameStep.Transform(model, lane, frame, VideoFramePool.Shared, background);
        }
        finally
        {
            model.Release(lane);
        }
        using (output)
            return MsgValue.Map(("images", MsgValue.Array(Encode(output, input.Quality))));
    }

    private static VideoFrame Decode(ReadOnlySpan<byte> encoded)
    {
        if (ImageCodecs.Detect(encoded) == ImageFormat.Unknown)
            throw new InputValidationException(ImageFilterProcessor.ImageField, "image must be JPEG or PNG bytes");
        try
        {
            using var rgba = ImageCodecs.Decode(encoded, ImageFilterProcessor.MaxPixels);
            return VideoFrame.FromPacked(rgba.Pixels, rgba.Width, rgba.Height, rgba.Stride, PackedPixelLayout.Rgba);
        }
        catch (ImageFormatException e)
        {
            throw new InputValidationException(ImageFilterProcessor.ImageField, "image could not be decoded: " + e.Message);
        }
    }

    private static MsgValue Encode(VideoFrame frame, int quality)
    {
        var stride = frame.Width * 4;
        var rgba = ArrayPool<byte>.Shared.Rent(stride * frame.Height);
        try
        {
            frame.CopyToPacked(rgba.AsSpan(0, stride * frame.Height), stride, PackedPixelLayout.Rgba);
            var jpeg = new ArrayBufferWriter<byte>(64 * 1024);
            JpegCodec.Encode(rgba.AsSpan(0, stride * frame.Height), frame.Width, frame.Height, stride, jpeg, quality);
            return MsgValue.Map(("content", jpeg.WrittenSpan.ToArray()), ("content_type", "image/jpeg"),
                ("width", frame.Width), ("height", frame.Height));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rgba);
        }
    }
}
