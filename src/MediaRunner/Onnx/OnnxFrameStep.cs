using WebRtcBridge.Protocol.MsgPack;
using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.MediaRunner.Onnx;

/// <summary>
/// One frame through a model on a run lane. In: the frame is resized (libyuv) to the model's fixed input size when it
/// has one, converted to RGBA (libyuv) and into the input tensor (<see cref="ImageTensorConvention"/>). Out, by mode:
/// image: the output tensor back to RGBA and I420, resized to the frame's size; mask: the mask resized to the frame's
/// size and the frame blended with the background; raw: the outputs as a <see cref="RawResultMessage"/>.
/// </summary>
internal static class OnnxFrameStep
{
    /// <summary>Image and mask modes: a new frame of the input's size, rented from <paramref name="outputs"/>.</summary>
    public static VideoFrame Transform(OnnxModel model, OnnxRunLane lane, VideoFrame input, VideoFramePool outputs, MaskBackground background)
    {
        FillInput(model, lane, input);
        var tensor = lane.RunFirstOutput(out var shape);
        if (shape.Length != 4) throw new InvalidOperationException($"model output has rank {shape.Length}; image and mask modes need rank 4");
        var (ow, oh, channels) = model.Options.Layout == TensorLayout.Nchw
            ? ((int)shape[3], (int)shape[2], (int)shape[1])
            : ((int)shape[2], (int)shape[1], (int)shape[3]);
        var expected = model.Options.Mode == OnnxMode.Mask ? 1 : 3;
        if (shape[0] != 1 || channels != expected || ow <= 0 || oh <= 0)
            throw new InvalidOperationException($"model output has shape [{string.Join(",", shape.ToArray())}]; mode {model.Options.Mode} needs {expected} channel(s) of one image");
        var result = outputs.Rent(input.Width, input.Height);
        try
        {
            if (model.Options.Mode == OnnxMode.Mask) ComposeMask(lane, input, tensor, ow, oh, background, result);
            else WriteImage(model, lane, tensor, ow, oh, result);
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    /// <summary>Raw mode: every output of the model on this frame, as a result message.</summary>
    public static MsgValue Raw(OnnxModel model, OnnxRunLane lane, VideoFrame input)
    {
        FillInput(model, lane, input);
        using var results = lane.RunAllOutputs();
        return RawResultMessage.Build(input.FrameNumber, model.Signature.OutputNames, results, model.Options.MaxResultValues);
    }

    private static void FillInput(OnnxModel model, OnnxRunLane lane, VideoFrame input)
    {
        var sig = model.Signature;
        int mw = sig.FixedWidth > 0 ? sig.FixedWidth : input.Width, mh = sig.FixedHeight > 0 ? sig.FixedHeight : input.Height;
        var source = input;
        if (mw != input.Width || mh != input.Height)
        {
            source = lane.Scaled(mw, mh);
            input.ScaleTo(source, ScaleFilter.Box);
        }
        var pixels = lane.Pixels(mw * mh * 4);
        source.CopyToPacked(pixels, mw * 4, PackedPixelLayout.Rgba);
        model.Convention.ToTensor(pixels, mw, mh, lane.Input(mw, mh));
    }

    private static void WriteImage(OnnxModel model, OnnxRunLane lane, ReadOnlySpan<float> tensor, int ow, int oh, VideoFrame result)
    {
        var pixels = lane.Pixels(ow * oh * 4);
        model.Convention.FromTensor(tensor, ow, oh, pixels);
        if (ow == result.Width && oh == result.Height)
        {
            result.CopyFromPacked(pixels, ow * 4, PackedPixelLayout.Rgba);
            return;
        }
        var image = lane.ModelOutput(ow, oh);
        image.CopyFromPacked(pixels, ow * 4, PackedPixelLayout.Rgba);
        image.ScaleTo(result, ScaleFilter.Bilinear);
    }

    private static void ComposeMask(OnnxRunLane lane, VideoFrame input, ReadOnlySpan<float> tensor, int ow, int oh,
        MaskBackground background, VideoFrame result)
    {
        var mask = lane.Mask(ow, oh);
        ImageTensorConvention.MaskToBytes(tensor.Slice(0, ow * oh), mask.Y);
        if (ow != input.Width || oh != input.Height)
        {
            var full = lane.MaskFull(input.Width, input.Height);
            mask.ScaleTo(full, ScaleFilter.Bilinear);
            mask = full;
        }
        MaskCompositor.Blend(input, mask.Y, background, lane, result);
    }
}
