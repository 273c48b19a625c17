using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace WebRtcBridge.Protocol.MsgPack;

/// <summary>
/// Writes msgpack to an <see cref="IBufferWriter{T}"/>, always in the smallest encoding the spec allows
/// (https://github.com/msgpack/msgpack/blob/master/spec.md). It holds no state but the output.
/// </summary>
public readonly struct MsgPackWriter(IBufferWriter<byte> output)
{
    public void WriteNil() => WriteByte(MsgPackCode.Nil);

    public void WriteBool(bool value) => WriteByte(value ? MsgPackCode.True : MsgPackCode.False);

    /// <summary>Positive values use the uint family, as the reference implementations do.</summary>
    public void WriteInt64(long value)
    {
        if (value >= 0)
        {
            WriteUInt64((ulong)value);
            return;
        }
        if (value >= -32)
        {
            WriteByte(unchecked((byte)(sbyte)value));
        }
        else if (value >= sbyte.MinValue)
        {
            var s = output.GetSpan(2);
            s[0] = MsgPackCode.Int8;
            s[1] = unchecked((byte)(sbyte)value);
            output.Advance(2);
        }
        else if (value >= short.MinValue)
        {
            var s = output.GetSpan(3);
            s[0] = MsgPackCode.Int16;
            BinaryPrimitives.WriteInt16BigEndian(s[1..], (short)value);
            output.Advance(3);
        }
        else if (value >= int.MinValue)
        {
            var s = output.GetSpan(5);
            s[0] = MsgPackCode.Int32;
            BinaryPrimitives.WriteInt32BigEndian(s[1..], (int)value);
            output.Advance(5);
        }
        else
        {
            var s = output.GetSpan(9);
            s[0] = MsgPackCode.Int64;
            BinaryPrimitives.WriteInt64BigEndian(s[1..], value);
            output.Advance(9);
        }
    }

    public void WriteUInt64(ulong value)
    {
        if (value <= MsgPackCode.MaxPositiveFixInt)
        {
            WriteByte((byte)value);
        }
        else if (value <= byte.MaxValue)
        {
            var s = output.GetSpan(2);
            s[0] = MsgPackCode.UInt8;
            s[1] = (byte)value;
            output.Advance(2);
        }
        else if (value <= ushort.MaxValue)
        {
            var s = output.GetSpan(3);
            s[0] = MsgPackCode.UInt16;
            BinaryPrimitives.WriteUInt16BigEndian(s[1..], (ushort)value);
            output.Advance(3);
        }
        else if (value <= uint.MaxValue)
        {
            var s = output.GetSpan(5);
            s[0] = MsgPackCode.UInt32;
            BinaryPrimitives.WriteUInt32BigEndian(s[1..], (uint)value);
            output.Advance(5);
        }
        else
        {
            var s = output.GetSpan(9);
            s[0] = MsgPackCode.UInt64;
            BinaryPrimitives.WriteUInt64BigEndian(s[1..], value);
            output.Advance(9);
        }
    }

    public void WriteDouble(double value)
    {
        var s = output.GetSpan(9);
        s[0] = MsgPackCode.Float64;
        BinaryPrimitives.WriteDoubleBigEndian(s[1..], value);
        output.Advance(9);
    }

    public void WriteSingle(float value)
    {
        var s = output.GetSpan(5);
        s[0] = MsgPackCode.Float32;
        BinaryPrimitives.WriteSingleBigEndian(s[1..], value);
        output.Advance(5);
    }

    public void WriteString(ReadOnlySpan<char> value)
    {
        if (value.Length <= 10)
        {
            // At most 30 UTF-8 bytes: a fixstr whatever the text, so encode once and put the length in front after.
            var span = output.GetSpan(1 + 3 * value.Length);
            var written = Encoding.UTF8.GetBytes(value, span[1..]);
            span[0] = (byte)(MsgPackCode.MinFixStr | written);
            output.Advance(1 + written);
            return;
        }
        var length = Encoding.UTF8.GetByteCount(value);
        WriteStringHeader(length);
        var s = output.GetSpan(length);
        Encoding.UTF8.GetBytes(value, s);
        output.Advance(length);
    }

    /// <summary>Writes already UTF-8 encoded text as a str.</summary>
    public void WriteStringUtf8(ReadOnlySpan<byte> utf8)
    {
        WriteStringHeader(utf8.Length);
        WriteRaw(utf8);
    }

    public void WriteStringHeader(int byteLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byteLength);
        if (byteLength <= 31) WriteByte((byte)(MsgPackCode.MinFixStr | byteLength));
        else if (byteLength <= byte.MaxValue) WriteHeader8(MsgPackCode.Str8, (byte)byteLength);
        else if (byteLength <= ushort.MaxValue) WriteHeader16(MsgPackCode.Str16, (ushort)byteLength);
        else WriteHeader32(MsgPackCode.Str32, (uint)byteLength);
    }

    public void WriteBinary(ReadOnlySpan<byte> value)
    {
        WriteBinaryHeader(value.Length);
        WriteRaw(value);
    }

    public void WriteBinaryHeader(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length <= byte.MaxValue) WriteHeader8(MsgPackCode.Bin8, (byte)length);
        else if (length <= ushort.MaxValue) WriteHeader16(MsgPackCode.Bin16, (ushort)length);
        else WriteHeader32(MsgPackCode.Bin32, (uint)length);
    }

    public void WriteArrayHeader(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count <= 15) WriteByte((byte)(MsgPackCode.MinFixArray | count));
        else if (count <= ushort.MaxValue) WriteHeader16(MsgPackCode.Array16, (ushort)count);
        else WriteHeader32(MsgPackCode.Array32, (uint)count);
    }

    public void WriteMapHeader(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count <= 15) WriteByte((byte)(MsgPackCode.MinFixMap | count));
        else if (count <= ushort.MaxValue) WriteHeader16(MsgPackCode.Map16, (ushort)count);
        else WriteHeader32(MsgPackCode.Map32, (uint)count);
    }

    public void WriteExt(sbyte type, ReadOnlySpan<byte> data)
    {
        var code = data.Length switch
        {
            1 => MsgPackCode.FixExt1,
            2 => MsgPackCode.FixExt2,
            4 => MsgPackCode.FixExt4,
            8 => MsgPackCode.FixExt8,
            16 => MsgPackCode.FixExt16,
            _ => (byte)0,
        };
        if (code != 0)
        {
            var s = output.GetSpan(2);
            s[0] = code;
            s[1] = unchecked((byte)type);
            output.Advance(2);
        }
        else
        {
            if (data.Length <= byte.MaxValue) WriteHeader8(MsgPackCode.Ext8, (byte)data.Length);
            else if (data.Length <= ushort.MaxValue) WriteHeader16(MsgPackCode.Ext16, (ushort)data.Length);
            else WriteHeader32(MsgPackCode.Ext32, (uint)data.Length);
            WriteByte(unchecked((byte)type));
        }
        WriteRaw(data);
    }

    /// <summary>The timestamp extension (type -1) in its smallest form: 32, 64 or 96 bits.</summary>
    public void WriteTimestamp(DateTimeOffset value)
    {
        var ticks = value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var remainder);
        if (remainder < 0)
        {
            seconds--;
            remainder += TimeSpan.TicksPerSecond;
        }
        var nanos = (uint)(remainder * 100);
        Span<byte> data = stackalloc byte[12];
        if (seconds >> 34 == 0)
        {
            var packed = ((ulong)nanos << 34) | (ulong)seconds;
            if ((packed & 0xffffffff00000000UL) == 0)
            {
                BinaryPrimitives.WriteUInt32BigEndian(data, (uint)packed);
                WriteExt(MsgPackCode.TimestampExt, data[..4]);
            }
            else
            {
                BinaryPrimitives.WriteUInt64BigEndian(data, packed);
                WriteExt(MsgPackCode.TimestampExt, data[..8]);
            }
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(data, nanos);
            BinaryPrimitives.WriteInt64BigEndian(data[4..], seconds);
            WriteExt(MsgPackCode.TimestampExt, data);
        }
    }

    /// <summary>Copies bytes that are already msgpack.</summary>
    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return;
        var s = output.GetSpan(bytes.Length);
        bytes.CopyTo(s);
        output.Advance(bytes.Length);
    }

    private void WriteByte(byte b)
    {
        output.GetSpan(1)[0] = b;
        output.Advance(1);
    }

    private void WriteHeader8(byte code, byte n)
    {
        var s = output.GetSpan(2);
        s[0] = code;
        s[1] = n;
        output.Advance(2);
    }

    private void WriteHeader16(byte code, ushort n)
    {
        var s = output.GetSpan(3);
        s[0] = code;
        BinaryPrimitives.WriteUInt16BigEndian(s[1..], n);
        output.Advance(3);
    }

    private void WriteHeader32(byte code, uint n)
    {
        var s = output.GetSpan(5);
        s[0] = code;
        BinaryPrimitives.WriteUInt32BigEndian(s[1..], n);
        output.Advance(5);
    }
}
