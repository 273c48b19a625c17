using WebRtcBridge.Protocol.MsgPack;

namespace WebRtcBridge.Protocol.Realtime;

/// <summary>Classifies server frames in the order fal-js does (docs/protocols.md#realtime-messages).</summary>
public static class RealtimeFrameClassifier
{
    public static RealtimeFrameKind Classify(MsgValue frame)
    {
        if (frame.Kind != MsgValueKind.Map) return RealtimeFrameKind.Ignored;
        var status = StringField(frame, "status");
        var error = StringField(frame, "error");
        if (status == "error" && error == "Unauthorized") return RealtimeFrameKind.Unauthorized;
        var type = StringField(frame, "type");
        if (status != "error" && type != "x-fal-message" && type != "x-fal-error") return RealtimeFrameKind.Result;
        if (type == "x-fal-error") return error == RealtimeErrorCodes.Timeout ? RealtimeFrameKind.Timeout : RealtimeFrameKind.Error;
        return RealtimeFrameKind.Ignored;
    }

    /// <summary>The code, reason and (our extension) field of an <c>x-fal-error</c> frame.</summary>
    public static (string Code, string Reason, string? Field) ErrorDetails(MsgValue frame)
        => (StringField(frame, "error") ?? "", StringField(frame, "reason") ?? "", StringField(frame, "field"));

    private static string? StringField(MsgValue map, string key)
        => map.TryGet(key, out var v) && v.Kind == MsgValueKind.String ? v.AsString() : null;
}
