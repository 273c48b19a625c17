namespace WebRtcBridge.Protocol.MsgPack;

/// <summary>The family of the next value, from its format byte.</summary>
public enum MsgPackType
{
    Nil, Bool, Integer, Float, String, Binary, Array, Map, Extension,
}
