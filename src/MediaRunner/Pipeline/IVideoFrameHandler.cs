using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.MediaRunner.Pipeline;

/// <summary>Where a handler puts the frames it produces; each one is encoded and sent at once.</summary>
public interface IVideoFrameSink
{
    /// <summary>Hands an output frame on. The sink takes ownership (it disposes the frame).</summary>
    void Emit(VideoFrame frame);

    /// <summary>
    /// Hands on a frame that answers an earlier input, from outside <see cref="IVideoFrameHandler.ProcessAsync"/>
    /// (handlers with several steps in flight). The frame must already carry the metadata of the input it answers
    /// (<see cref="VideoFrame.CopyMetadataFrom"/>), so its timestamps follow that input. Thread-safe; the sink owns it.
    /// </summary>
    void EmitAnswer(VideoFrame frame) => throw new NotSupportedException("this sink takes outputs only during ProcessAsync");

    /// <summary>
    /// Sends a message to the client on the session's signaling channel, e.g. <c>{"type":"result",...}</c> with what a
    /// model found in the current frame. Never blocks: the session keeps at most one message waiting and a newer one
    /// replaces it (counted as dropped). False when the message was not accepted (no client channel: the default).
    /// </summary>
    bool TrySendResult(Protocol.MsgPack.MsgValue message) => false;
}

/// <summary>
/// One realtime input step per decoded video frame: zero or more output frames per input. The pipeline owns and
/// disposes the input after the call, unless the handler emitted the input itself (allowed once, without a copy: the
/// sink then owns it and the handler must not touch it again); outputs go to the sink. Parameters may change between
/// calls (the bridge's <c>params</c> message).
/// </summary>
public interface IVideoFrameHandler
{
    ValueTask ProcessAsync(VideoFrame input, IVideoFrameSink output, CancellationToken cancellationToken);

    /// <summary>New handler parameters, validated now (throws <see cref="Protocol.Binding.InputValidationException"/>)
    /// and applied from the next frame on.</summary>
    void UpdateParameters(IReadOnlyDictionary<string, Protocol.MsgPack.MsgValue> parameters);
}
