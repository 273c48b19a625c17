namespace WebRtcBridge.Protocol.MsgPack;

/// <summary>
/// The one exception the msgpack and JSON codecs throw for bad input: malformed or truncated data, a declared length
/// larger than the bytes left, too deep nesting, a message over the size cap, invalid UTF-8.
/// </summary>
public sealed class MsgPackException : FormatException
{
    public MsgPackException(string message, long offset = -1)
        : base(offset >= 0 ? $"{message} (at byte {offset})" : message) => Offset = offset;

    public MsgPackException(string message, Exception inner) : base(message, inner) => Offset = -1;

    /// <summary>Where in the input the problem was found, or -1.</summary>
    public long Offset { get; }
}
