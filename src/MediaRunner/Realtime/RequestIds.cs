using WebRtcBridge.Protocol.MsgPack;

namespace WebRtcBridge.MediaRunner.Realtime;

/// <summary>Echoes an input's <c>request_id</c> into its output when the handler did not (docs/protocols.md#realtime-messages).</summary>
public static class RequestIds
{
    public const string Field = "request_id";

    public static MsgValue Echo(MsgValue input, MsgValue output)
    {
        if (output.Kind != MsgValueKind.Map || !input.TryGet(Field, out var id) || output.TryGet(Field, out _)) return output;
        var entries = new List<KeyValuePair<string, MsgValue>>(output.AsMapEntries()) { new(Field, id) };
        return MsgValue.FromMap(entries);
    }
}
