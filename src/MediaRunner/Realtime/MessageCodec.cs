using System.Buffers;
using System.Text.Json;
using WebRtcBridge.Protocol.MsgPack;

namespace WebRtcBridge.MediaRunner.Realtime;

/// <summary>
/// Decodes input frames (binary = msgpack, text = JSON) and encodes results, with the message limits (size, depth,
/// element and allocation budgets). The one place the realtime session touches the codecs. A decoded tree takes at
/// most <see cref="MsgPackLimits.MaxTreeBytes"/> (32 bytes per frame byte + 64 KiB) of heap.
/// </summary>
public sealed class MessageCodec(MsgPackLimits limits)
{
    public MsgPackLimits Limits { get; } = limits;

    /// <summary>Decodes one whole frame; binary values in the result point into <paramref name="frame"/>.</summary>
    /// <exception cref="MsgPackException">The frame is not valid msgpack or JSON, or breaks a limit.</exception>
    public MsgValue Decode(ReadOnlyMemory<byte> frame, bool isText)
        => isText ? JsonMapping.FromJson(frame.Span, Limits) : MsgPackSerializer.Decode(frame, Limits);

    /// <summary>
    /// Decodes one whole frame into a tree that owns all its bytes (binaries are copied out), so the frame's pooled
    /// buffer can go back at once. <paramref name="treeBytes"/> is what the tree holds on the heap.
    /// </summary>
    /// <exception cref="MsgPackException">The frame is not valid msgpack or JSON, or breaks a limit.</exception>
    public MsgValue DecodeOwned(ReadOnlyMemory<byte> frame, bool isText, out long treeBytes)
        => isText
            ? JsonMapping.FromJson(frame.Span, Limits, out treeBytes)
            : MsgPackSerializer.Decode(frame, Limits, copyBinaries: true, out treeBytes);

    public void EncodeMsgPack(MsgValue value, IBufferWriter<byte> output) => MsgPackSerializer.Encode(value, output);

    public void EncodeJson(MsgValue value, IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output);
        JsonMapping.WriteJson(value, writer);
    }
}
