using WebRtcBridge.Protocol.Buffers;
using WebRtcBridge.Protocol.MsgPack;

namespace WebRtcBridge.MediaRunner.Pipeline;

/// <summary>
/// A frame handler that also talks to the client beside the video: messages for the signaling socket (e.g.
/// <c>{"type":"result",...}</c>) and its own figures for the session's <c>stats</c> message.
/// </summary>
public interface IFrameHandlerReports
{
    /// <summary>Messages for the client, in order; bounded (the oldest is dropped and counted when full).</summary>
    DropOldestBuffer<MsgValue> Messages { get; }

    /// <summary>The handler's figures, sent as the <c>handler</c> field of <c>stats</c>.</summary>
    MsgValue Stats();
}
