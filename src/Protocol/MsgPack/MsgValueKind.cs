namespace WebRtcBridge.Protocol.MsgPack;

/// <summary>The kind of a <see cref="MsgValue"/>.</summary>
public enum MsgValueKind
{
    Nil, Bool, Int, UInt, Float, String, Binary, Array, Map, Ext, Timestamp,
}
