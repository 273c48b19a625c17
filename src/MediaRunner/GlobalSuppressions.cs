using System.Diagnostics.CodeAnalysis;

// Analyzer findings kept on purpose (see docs/architecture.md#build-guardrails). One line each, with the reason.

[assembly: SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable",
    Justification = "_sendLock is a SemaphoreSlim whose wait handle is never created: nothing to release",
    Scope = "type", Target = "~T:WebRtcBridge.MediaRunner.Realtime.RealtimeSession")]
[assembly: SuppressMessage("Performance", "CA1822:Mark members as static",
    Justification = "public instance API: callers hold a codec configured with limits",
    Scope = "member", Target = "~M:WebRtcBridge.MediaRunner.Realtime.MessageCodec.EncodeMsgPack(WebRtcBridge.Protocol.MsgPack.MsgValue,System.Buffers.IBufferWriter{System.Byte})")]
[assembly: SuppressMessage("Performance", "CA1822:Mark members as static",
    Justification = "public instance API: callers hold a codec configured with limits",
    Scope = "member", Target = "~M:WebRtcBridge.MediaRunner.Realtime.MessageCodec.EncodeJson(WebRtcBridge.Protocol.MsgPack.MsgValue,System.Buffers.IBufferWriter{System.Byte})")]
