using WebRtcBridge.MediaRunner.Pipeline;
using WebRtcBridge.Protocol.Binding;
using WebRtcBridge.Protocol.MsgPack;
using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.MediaRunner.Onnx;

/// <summary>
/// An ONNX model behind <c>/webrtc</c>: one per session, all sharing the app's <see cref="OnnxModel"/>. Image and
/// mask modes emit one processed frame per input; raw mode passes the frame through and sends the outputs as a
/// <c>result</c> message (<see cref="IVideoFrameSink.TrySendResult"/>). While the model's runs are all busy the
/// handler waits, and the pipeline replaces its waiting frame (latest frame wins). <c>params</c>: <c>background</c>
/// (mask mode: <c>blur</c> or <c>R,G,B</c>); other fields are ignored.
/// </summary>
public sealed class OnnxFrameHandler : IVideoFrameHandler
{
    public const string BackgroundField = "background";

    private readonly OnnxModel _model;
    private readonly VideoFramePool _outputs = new(4); // output frames come back here when the sender disposes them
    private volatile MaskBackground _background;

    public OnnxFrameHandler(OnnxModel model)
    {
        _model = model;
        _background = MaskBackground.TryParse(model.Options.Background, out var b) ? b : MaskBackground.BlurredFrame;
    }

    public MaskBackground Background => _background;

    public void UpdateParameters(IReadOnlyDictionary<string, MsgValue> parameters)
    {
        if (!parameters.TryGetValue(BackgroundField, out var value)) return;
        if (value.Kind != MsgValueKind.String || !MaskBackground.TryParse(value.AsString(), out var background))
            throw new InputValidationException(BackgroundField, "must be 'blur' or a colour 'R,G,B' (0..255 each)");
        _background = background;
    }

    public ValueTask ProcessAsync(VideoFrame input, IVideoFrameSink output, CancellationToken cancellationToken)
    {
        // A free run slot: all synchronous, nothing allocated. A busy model: wait for a slot (the pipeline meanwhile
        // replaces the frame waiting behind this one).
        if (!_model.TryAcquire(out var lane)) return ProcessWhenFreeAsync(input, output, cancellationToken);
        Process(lane, input, output);
        return ValueTask.CompletedTask;
    }

    private async ValueTask ProcessWhenFreeAsync(VideoFrame input, IVideoFrameSink output, CancellationToken cancellationToken)
        => Process(await _model.AcquireAsync(cancellationToken).ConfigureAwait(false), input, output);

    private void Process(OnnxRunLane lane, VideoFrame input, IVideoFrameSink output)
    {
        VideoFrame? frame = null;
        MsgValue? result = null;
        try
        {
            if (_model.Options.Mode == OnnxMode.Raw) result = OnnxFrameStep.Raw(_model, lane, input);
            else frame = OnnxFrameStep.Transform(_model, lane, input, _outputs, _background);
        }
        finally
        {
            _model.Release(lane); // before the output is encoded and sent: the run slot is the model's, not this session's
        }
        if (result is not null)
        {
            output.TrySendResult(result);
            output.Emit(input); // the frame itself goes on, no copy (the sink owns it now)
        }
        else output.Emit(frame!);
    }
}
