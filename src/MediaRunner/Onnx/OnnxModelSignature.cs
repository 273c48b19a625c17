using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace WebRtcBridge.MediaRunner.Onnx;

/// <summary>The model's image input and outputs as the mode needs them, checked at load.</summary>
public sealed class OnnxModelSignature
{
    private OnnxModelSignature(string inputName, int[] inputDims, string[] outputNames)
    {
        InputName = inputName;
        InputDims = inputDims;
        OutputNames = outputNames;
    }

    public string InputName { get; }
    /// <summary>The input's dimensions as the model declares them (-1: dynamic).</summary>
    public int[] InputDims { get; }
    /// <summary>Every output, in the model's order; image and mask modes use the first.</summary>
    public string[] OutputNames { get; }
    public string InputShapeText => "[" + string.Join(",", InputDims) + "]";

    /// <summary>Fixed input width and height, or 0 where the frame decides.</summary>
    public int FixedWidth { get; private init; }
    public int FixedHeight { get; private init; }

    internal static OnnxModelSignature Read(InferenceSession session, OnnxModelOptions o)
    {
        var inputs = session.InputMetadata;
        if (inputs.Count != 1)
            throw new OnnxConfigurationException(o.Key("Model"), $"the model has {inputs.Count} inputs ({string.Join(", ", inputs.Keys)}); an ONNX app needs exactly one, the image");
        var (inputName, input) = inputs.First();
        var (hAxis, wAxis, cAxis) = o.Layout == TensorLayout.Nchw ? (2, 3, 1) : (1, 2, 3);
        var dims = input.IsTensor ? input.Dimensions : [];
        var shape = "[" + string.Join(",", dims) + "]";
        if (!input.IsTensor || input.ElementDataType != TensorElementType.Float || dims.Length != 4)
            throw new OnnxConfigurationException(o.Key("Model"), $"input '{inputName}' is {Describe(input)}; an ONNX app needs a float32 tensor of rank 4");
        if (dims[0] > 1) throw new OnnxConfigurationException(o.Key("Model"), $"input '{inputName}' {shape} has batch size {dims[0]}; one frame is one batch of 1");
        if (dims[cAxis] > 0 && dims[cAxis] != 3)
            throw new OnnxConfigurationException(o.Key("Layout"), $"input '{inputName}' {shape}: with Layout {o.Layout.ToString().ToUpperInvariant()} axis {cAxis} holds the channels and must be 3 (RGB)");
        var outputs = session.OutputMetadata;
        if (o.Mode != OnnxMode.Raw)
        {
            var (outputName, output) = outputs.First();
            var od = output.IsTensor ? output.Dimensions : [];
            var oshape = "[" + string.Join(",", od) + "]";
            var channels = o.Mode == OnnxMode.Image ? 3 : 1;
            if (!output.IsTensor || output.ElementDataType != TensorElementType.Float || od.Length != 4)
                throw new OnnxConfigurationException(o.Key("Mode"), $"Mode {o.Mode.ToString().ToLowerInvariant()} needs a float32 output of rank 4; output '{outputName}' is {Describe(output)}");
            if (od[cAxis] > 0 && od[cAxis] != channels)
                throw new OnnxConfigurationException(o.Key("Mode"),
                    $"Mode {o.Mode.ToString().ToLowerInvariant()} needs {channels} channel(s) on axis {cAxis} of the first output ({o.Layout.ToString().ToUpperInvariant()}); output '{outputName}' is {oshape}" +
                    (o.Mode == OnnxMode.Image && od[cAxis] == 1 ? " (a mask? set Mode=mask)" : o.Mode == OnnxMode.Mask && od[cAxis] == 3 ? " (an image? set Mode=image)" : ""));
        }
        return new OnnxModelSignature(inputName, dims, [.. outputs.Keys])
        {
            FixedWidth = Math.Max(0, dims[wAxis]),
            FixedHeight = Math.Max(0, dims[hAxis]),
        };
    }

    private static string Describe(NodeMetadata m)
        => m.IsTensor ? $"{m.ElementDataType} [{string.Join(",", m.Dimensions)}]" : m.OnnxValueType.ToString();
}
