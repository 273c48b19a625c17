using System.Buffers.Binary;
using System.Text;

namespace WebRtcBridge.Protocol.Tests.MsgPack;

/// <summary>Hostile message shapes: many tiny elements, as msgpack bytes or JSON text.</summary>
internal static class WireShapes
{
    /// <summary>A msgpack array32 of <paramref name="count"/> copies of <paramref name="element"/>.</summary>
    public static byte[] MsgPackArray(int count, byte[] element)
    {
        var bytes = new byte[5 + count * element.Length];
        bytes[0] = 0xdd;
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(1), (uint)count);
        for (var i = 0; i < count; i++) element.CopyTo(bytes, 5 + i * element.Length);
        return bytes;
    }

    /// <summary><c>{"x": [element × count]}</c> as msgpack, the realtime input shape.</summary>
    public static byte[] MsgPackMapOfArray(int count, byte[] element)
        => [0x81, 0xa1, (byte)'x', .. MsgPackArray(count, element)];

    /// <summary>A JSON array of <paramref name="count"/> copies of <paramref name="element"/>, comma-separated.</summary>
    public static byte[] JsonArray(int count, string element)
    {
        var text = new StringBuilder(2 + count * (element.Length + 1)).Append('[');
        for (var i = 0; i < count; i++) text.Append(i == 0 ? "" : ",").Append(element);
        return Encoding.UTF8.GetBytes(text.Append(']').ToString());
    }

    public static byte[] JsonMapOfArray(int count, string element) => [.. "{\"x\":"u8, .. JsonArray(count, element), (byte)'}'];
}
