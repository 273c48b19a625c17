using WebRtcBridge.Protocol.Binding;
using WebRtcBridge.Protocol.MsgPack;

namespace WebRtcBridge.Protocol.Signaling;

/// <summary>
/// A message of the WebRTC-over-WebSocket signaling set (docs/protocols.md#webrtc-signaling), either direction:
/// <c>ready</c>, <c>offer</c>/<c>answer</c> (<c>sdp</c>), <c>icecandidate</c> (<c>candidate</c>: an object with
/// <c>candidate</c>, <c>sdpMid</c>, <c>sdpMLineIndex</c>, or null for end-of-candidates), <c>error</c> (<c>error</c>),
/// and ours: <c>params</c> (<c>params</c>: a map for the handler), <c>stats</c>, <c>close</c>, <c>result</c> (the
/// app's output fields other than its image, server to client).
/// </summary>
public abstract record SignalingMessage(string Type)
{
    /// <summary>Reads a client message from a decoded frame (JSON text or msgpack).</summary>
    /// <exception cref="InputValidationException">Not a known message, or a field is missing or wrong.</exception>
    public static SignalingMessage Parse(MsgValue frame)
    {
        if (frame.Kind != MsgValueKind.Map) throw new InputValidationException("type", "a signaling message must be a map");
        var type = frame["type"];
        if (type.Kind != MsgValueKind.String) throw new InputValidationException("type", "field required");
        switch (type.AsString())
        {
            case "offer":
                return new OfferMessage(RequireString(frame, "sdp"));
            case "answer":
                return new AnswerMessage(RequireString(frame, "sdp"));
            case "icecandidate":
                var c = frame["candidate"];
                if (c.IsNil) return new IceCandidateMessage(null, null, null);
                if (c.Kind == MsgValueKind.String) return new IceCandidateMessage(c.AsString(), null, null);
                if (c.Kind != MsgValueKind.Map) throw new InputValidationException("candidate", "must be an object or null");
                var line = c["candidate"];
                if (line.Kind is not (MsgValueKind.String or MsgValueKind.Nil)) throw new InputValidationException("candidate.candidate", "must be a string");
                var mid = c["sdpMid"];
                var index = c["sdpMLineIndex"];
                return new IceCandidateMessage(line.IsNil ? null : line.AsString(),
                    mid.Kind == MsgValueKind.String ? mid.AsString() : null,
                    index.Kind == MsgValueKind.Int ? (int)index.AsInt64() : null);
            case "params":
                var p = frame["params"];
                if (p.Kind != MsgValueKind.Map) throw new InputValidationException("params", "must be a map");
                var parameters = new Dictionary<string, MsgValue>(StringComparer.Ordinal);
                foreach (var (key, value) in p.AsMapEntries())
                {
                    if (!parameters.TryAdd(key, value)) throw new InputValidationException("params", $"duplicate key '{key}'");
                }
                return new ParamsMessage(parameters);
            case "close":
                return new CloseMessage();
            case "ready":
                return new ReadyMessage();
            case "result":
                return new ResultMessage(frame);
            case "error":
                return new ErrorMessage(frame["error"].Kind == MsgValueKind.String ? frame["error"].AsString() : "");
            default:
                throw new InputValidationException("type", $"unknown message type '{type.AsString()}'");
        }
    }

    /// <summary>The message as a map, for JSON text or msgpack.</summary>
    public abstract MsgValue ToValue();

    private static string RequireString(MsgValue frame, string field)
    {
        var v = frame[field];
        return v.Kind == MsgValueKind.String ? v.AsString() : throw new InputValidationException(field, v.IsNil ? "field required" : "must be a string");
    }
}

public sealed record ReadyMessage() : SignalingMessage("ready")
{
    public override MsgValue ToValue() => MsgValue.Map(("type", Type));
}

public sealed record OfferMessage(string Sdp) : SignalingMessage("offer")
{
    public override MsgValue ToValue() => MsgValue.Map(("type", Type), ("sdp", Sdp));
}

public sealed record AnswerMessage(string Sdp) : SignalingMessage("answer")
{
    public override MsgValue ToValue() => MsgValue.Map(("type", Type), ("sdp", Sdp));
}

/// <summary>A trickled candidate; <see cref="Candidate"/> null means end-of-candidates.</summary>
public sealed record IceCandidateMessage(string? Candidate, string? SdpMid, int? SdpMLineIndex) : SignalingMessage("icecandidate")
{
    public override MsgValue ToValue() => Candidate is null
        ? MsgValue.Map(("type", Type), ("candidate", null))
        : MsgValue.Map(("type", Type), ("candidate", MsgValue.Map(("candidate", Candidate), ("sdpMid", SdpMid ?? "0"), ("sdpMLineIndex", SdpMLineIndex ?? 0))));
}

public sealed record ParamsMessage(IReadOnlyDictionary<string, MsgValue> Params) : SignalingMessage("params")
{
    public override MsgValue ToValue() => MsgValue.Map(("type", Type), ("params", MsgValue.FromMap(Params)));
}

public sealed record CloseMessage() : SignalingMessage("close")
{
    public override MsgValue ToValue() => MsgValue.Map(("type", Type));
}

/// <summary><c>{"type":"error","error":"offer_failed: …"}</c>, with the prefixes fal's demos use.</summary>
public sealed record ErrorMessage(string Error) : SignalingMessage("error")
{
    public override MsgValue ToValue() => MsgValue.Map(("type", Type), ("error", Error));
}

/// <summary>The non-image fields of one app output (server to client), e.g. <c>{"type":"result","detections":[…]}</c>,
/// or <c>{"type":"result","error":{"error":CODE,"reason":TEXT}}</c> for a step the app failed.</summary>
public sealed record ResultMessage(MsgValue Fields) : SignalingMessage("result")
{
    public override MsgValue ToValue() => Fields;
}
