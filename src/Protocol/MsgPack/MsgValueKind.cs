namespace WebRtcBridge.Protocol.MsgPack;

/// <summary>The kind of a <see cref="MsgValue"/> (one byte, so a value's object stays at 40 bytes).</summary>
public enum MsgValueKind : byte
{
    Nil, Bool, Int, UInt, Float, String, Binary, Array, Map, Ext, Timestamp,
}
