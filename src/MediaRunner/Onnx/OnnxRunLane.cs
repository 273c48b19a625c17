using System.Buffers;
using Microsoft.ML.OnnxRuntime;
using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.MediaRunner.Onnx;

/// <summary>
/// The buffers of one concurrent run of a model, reused frame after frame: the packed pixels, the input tensor and
/// the first output tensor (both pinned, wrapped once in <see cref="OrtValue"/>s), and scratch frames for resizing
/// and masks. They are made again only when the frame size changes, so a steady stream allocates nothing. The first
/// run at a new input size lets ONNX Runtime allocate the output to learn its shape; later runs write into ours.
/// One user at a time (the model's run gate hands lanes out).
/// </summary>
internal sealed class OnnxRunLane : IDisposable
{
    private readonly OnnxModel _model;
    private readonly RunOptions _runOptions = new();
    private readonly OrtIoBinding _binding; // input and first output bound once per size: runs allocate nothing
    private readonly string[] _inputNames;
    private readonly string[] _firstOutput;
    private readonly OrtValue[] _inputValues = new OrtValue[1];
    private readonly OrtValue?[] _outputValues = new OrtValue?[1];
    private readonly long[] _inputShape = new long[4];
    private float[] _input = [];
    private float[] _output = [];
    private long[] _outputShape = [];
    private byte[] _pixels = [];
    private VideoFrame? _scaled, _modelOutput, _mask, _maskFull, _blurSmall, _blurFull;

    public OnnxRunLane(OnnxModel model)
    {
        _model = model;
        _inputNames = [model.Signature.InputName];
        _firstOutput = [model.Signature.OutputNames[0]];
        _binding = model.Session.CreateIoBinding();
    }

    /// <summary>Packed RGBA scratch of at least <paramref name="bytes"/> bytes.</summary>
    public Span<byte> Pixels(int bytes)
    {
        if (_pixels.Length < bytes)
        {
            if (_pixels.Length > 0) ArrayPool<byte>.Shared.Return(_pixels);
            _pixels = ArrayPool<byte>.Shared.Rent(bytes);
        }
        return _pixels.AsSpan(0, bytes);
    }

    /// <summary>The input tensor for an image of this size (its contents are the caller's to fill).</summary>
    public Span<float> Input(int width, int height)
    {
        Span<long> shape = stackalloc long[4];
        _model.Convention.Shape(width, height, shape);
        if (_inputValues[0] is null || !shape.SequenceEqual(_inputShape))
        {
            _inputValues[0]?.Dispose();
            _outputValues[0]?.Dispose();
            _outputValues[0] = null;
            shape.CopyTo(_inputShape);
            _input = new float[width * height * 3];
            _inputValues[0] = OrtValue.CreateTensorValueFromMemory(_input, (long[])_inputShape.Clone());
            _binding.ClearBoundInputs();
            _binding.ClearBoundOutputs();
            _binding.BindInput(_inputNames[0], _inputValues[0]);
        }
        return _input;
    }

    /// <summary>Runs the model on the input tensor; returns the first output and its shape (valid until the next run).</summary>
    public ReadOnlySpan<float> RunFirstOutput(out ReadOnlySpan<long> shape)
    {
        if (_outputValues[0] is null)
        {
            using var results = _model.Session.Run(_runOptions, _inputNames, _inputValues, _firstOutput);
            var info = results[0].GetTensorTypeAndShape();
            _outputShape = info.Shape;
            _output = new float[info.ElementCount];
            results[0].GetTensorDataAsSpan<float>().CopyTo(_output);
            _outputValues[0] = OrtValue.CreateTensorValueFromMemory(_output, _outputShape);
            _binding.BindOutput(_firstOutput[0], _outputValues[0]);
        }
        else
        {
            _model.Session.RunWithBinding(_runOptions, _binding);
        }
        shape = _outputShape;
        return _output;
    }

    /// <summary>Runs the model and returns every output, allocated by ONNX Runtime (raw mode); the caller disposes them.</summary>
    public IDisposableReadOnlyCollection<OrtValue> RunAllOutputs()
        => _model.Session.Run(_runOptions, _inputNames, _inputValues, _model.Signature.OutputNames);

    public VideoFrame Scaled(int w, int h) => Frame(ref _scaled, w, h);
    public VideoFrame ModelOutput(int w, int h) => Frame(ref _modelOutput, w, h);
    public VideoFrame Mask(int w, int h) => Frame(ref _mask, w, h);
    public VideoFrame MaskFull(int w, int h) => Frame(ref _maskFull, w, h);
    public VideoFrame BlurSmall(int w, int h) => Frame(ref _blurSmall, w, h);
    public VideoFrame BlurFull(int w, int h) => Frame(ref _blurFull, w, h);

    private static VideoFrame Frame(ref VideoFrame? frame, int w, int h)
    {
        if (frame is not null && frame.Width == w && frame.Height == h) return frame;
        frame?.Dispose();
        frame = VideoFrame.Create(w, h);
        return frame;
    }

    public void Dispose()
    {
        _inputValues[0]?.Dispose();
        _outputValues[0]?.Dispose();
        _binding.Dispose();
        _runOptions.Dispose();
        foreach (var f in new[] { _scaled, _modelOutput, _mask, _maskFull, _blurSmall, _blurFull }) f?.Dispose();
        if (_pixels.Length > 0) ArrayPool<byte>.Shared.Return(_pixels);
        _pixels = [];
    }
}
