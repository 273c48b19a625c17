using WebRtcBridge.Protocol.MsgPack;

namespace WebRtcBridge.ClientKit.Realtime;

/// <summary>
/// An error as fal-js reports it: <see cref="Status"/> 400 for <c>x-fal-error</c> frames (message
/// <c>"{error}: {reason}"</c>), the close code for abnormal closes, 500 for socket failures.
/// </summary>
public sealed record RealtimeError(int Status, string Message, string? Code = null, string? Field = null, MsgValue? Frame = null);
