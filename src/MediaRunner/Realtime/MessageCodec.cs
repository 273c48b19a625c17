using System.Buffers;
using System.Text.Json;
using WebRtcBridge.Protocol.MsgPack;

namespace WebRtcBridge.MediaRunner.Realtime;

/// <summary>
/// Decodes input frames (binary = msgpack, text = JSON) and encodes results, with the message limits. The one place
/// the realtime session touches the codecs.
/// </summary>
public sealed class MessageCodec(MsgPackLimits limits)
{
    public MsgPackLimits Limits { get; } = limits;

    /// <summary>Decodes one whole frame; binary values in the result point into <paramref name="frame"/>.</summary>
    /// <exception cref="MsgPackException">The frame is not valid msgpack or JSON, or breaks a limit.</exception>
    public MsgValue Decode(ReadOnlyMemory<byte> frame, bool isText)
        => isText ? JsonMapping.FromJson(frame.Span, Limits) : MsgPackSerializer.Decode(frame, Limits);

    public void EncodeMsgPack(MsgValue value, IBufferWriter<byte> output) => MsgPackSerializer.Encode(value, output);

    public void EncodeJson(MsgValue value, IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output);
        JsonMapping.WriteJson(value, writer);
    }
}
