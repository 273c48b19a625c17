using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace WebRtcBridge.Protocol.MsgPack;

/// <summary>
/// Reads msgpack from a span, token by token (https://github.com/msgpack/msgpack/blob/master/spec.md). Every
/// declared length is checked against the bytes left before it is used, so a lying header fails at once and
/// allocates nothing. Strings and binaries can be read as slices of the input without copying.
/// </summary>
public ref struct MsgPackReader
{
    internal static readonly UTF8Encoding StrictUtf8 = new(false, true);

    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public MsgPackReader(ReadOnlySpan<byte> data, MsgPackLimits? limits = null)
    {
        Limits = limits ?? MsgPackLimits.Default;
        if (data.Length > Limits.MaxMessageSize)
            throw new MsgPackException($"message of {data.Length} bytes exceeds the limit of {Limits.MaxMessageSize} bytes");
        _data = data;
        _position = 0;
    }

    public MsgPackLimits Limits { get; }

    /// <summary>Bytes consumed so far.</summary>
    public int Position => _position;

    public bool End => _position >= _data.Length;

    public int Remaining => _data.Length - _position;

    /// <summary>Reads a contiguous copy of a sequence when it has several segments, or its one segment as is.</summary>
    public static byte[]? Flatten(in ReadOnlySequence<byte> sequence, MsgPackLimits? limits, out ReadOnlyMemory<byte> contiguous)
    {
        var max = (limits ?? MsgPackLimits.Default).MaxMessageSize;
        if (sequence.Length > max)
            throw new MsgPackException($"message of {sequence.Length} bytes exceeds the limit of {max} bytes");
        if (sequence.IsSingleSegment)
        {
            contiguous = sequence.First;
            return null;
        }
        var copy = sequence.ToArray();
        contiguous = copy;
        return copy;
    }

    public MsgPackType PeekType()
    {
        var b = Peek();
        var type = TypeOfCode[b];
        if (type == NeverUsedType) throw new MsgPackException("reserved format byte 0xc1", _position);
        return (MsgPackType)type;
    }

    private const byte NeverUsedType = byte.MaxValue;

    /// <summary>The family of every format byte, looked up rather than branched on (one load per value).</summary>
    private static readonly byte[] TypeOfCode = Enumerable.Range(0, 256).Select(b => Classify((byte)b)).ToArray();

    private static byte Classify(byte b) => b switch
    {
        <= MsgPackCode.MaxPositiveFixInt => (byte)MsgPackType.Integer,
        <= MsgPackCode.MaxFixMap => (byte)MsgPackType.Map,
        <= MsgPackCode.MaxFixArray => (byte)MsgPackType.Array,
        <= MsgPackCode.MaxFixStr => (byte)MsgPackType.String,
        MsgPackCode.Nil => (byte)MsgPackType.Nil,
        MsgPackCode.NeverUsed => NeverUsedType,
        MsgPackCode.False or MsgPackCode.True => (byte)MsgPackType.Bool,
        MsgPackCode.Bin8 or MsgPackCode.Bin16 or MsgPackCode.Bin32 => (byte)MsgPackType.Binary,
        MsgPackCode.Ext8 or MsgPackCode.Ext16 or MsgPackCode.Ext32 => (byte)MsgPackType.Extension,
        MsgPackCode.Float32 or MsgPackCode.Float64 => (byte)MsgPackType.Float,
        >= MsgPackCode.UInt8 and <= MsgPackCode.Int64 => (byte)MsgPackType.Integer,
        >= MsgPackCode.FixExt1 and <= MsgPackCode.FixExt16 => (byte)MsgPackType.Extension,
        MsgPackCode.Str8 or MsgPackCode.Str16 or MsgPackCode.Str32 => (byte)MsgPackType.String,
        MsgPackCode.Array16 or MsgPackCode.Array32 => (byte)MsgPackType.Array,
        MsgPackCode.Map16 or MsgPackCode.Map32 => (byte)MsgPackType.Map,
        _ => (byte)MsgPackType.Integer, // negative fixint
    };

    /// <summary>The next format byte, not consumed.</summary>
    internal byte PeekCode() => Peek();

    /// <summary>True (and consumed) when the next value is nil.</summary>
    public bool TryReadNil()
    {
        if (Peek() != MsgPackCode.Nil) return false;
        _position++;
        return true;
    }

    public bool ReadBool()
    {
        var b = Take();
        return b switch
        {
            MsgPackCode.True => true,
            MsgPackCode.False => false,
            _ => throw Unexpected(b, "bool"),
        };
    }

    /// <summary>Any integer format that fits a long.</summary>
    public long ReadInt64()
    {
        var start = _position;
        var b = Take();
        switch (b)
        {
            case <= MsgPackCode.MaxPositiveFixInt: return b;
            case >= MsgPackCode.MinNegativeFixInt: return (sbyte)b;
            case MsgPackCode.UInt8: return Take();
            case MsgPackCode.UInt16: return BinaryPrimitives.ReadUInt16BigEndian(Bytes(2));
            case MsgPackCode.UInt32: return BinaryPrimitives.ReadUInt32BigEndian(Bytes(4));
            case MsgPackCode.UInt64:
                var u = BinaryPrimitives.ReadUInt64BigEndian(Bytes(8));
                if (u > long.MaxValue) throw new MsgPackException($"integer {u} does not fit a signed 64-bit value", start);
                return (long)u;
            case MsgPackCode.Int8: return (sbyte)Take();
            case MsgPackCode.Int16: return BinaryPrimitives.ReadInt16BigEndian(Bytes(2));
            case MsgPackCode.Int32: return BinaryPrimitives.ReadInt32BigEndian(Bytes(4));
            case MsgPackCode.Int64: return BinaryPrimitives.ReadInt64BigEndian(Bytes(8));
            default: throw Unexpected(b, "integer", start);
        }
    }

    /// <summary>Any non-negative integer.</summary>
    public ulong ReadUInt64()
    {
        var start = _position;
        if (Peek() == MsgPackCode.UInt64)
        {
            _position++;
            return BinaryPrimitives.ReadUInt64BigEndian(Bytes(8));
        }
        var v = ReadInt64();
        if (v < 0) throw new MsgPackException($"expected a non-negative integer, got {v}", start);
        return (ulong)v;
    }

    /// <summary>A float32/float64, or any integer as a double.</summary>
    public double ReadDouble()
    {
        var b = Peek();
        if (b == MsgPackCode.Float64)
        {
            _position++;
            return BinaryPrimitives.ReadDoubleBigEndian(Bytes(8));
        }
        if (b == MsgPackCode.Float32)
        {
            _position++;
            return BinaryPrimitives.ReadSingleBigEndian(Bytes(4));
        }
        if (b == MsgPackCode.UInt64) return ReadUInt64();
        return ReadInt64();
    }

    /// <summary>The UTF-8 bytes of a str, as a slice of the input (not validated).</summary>
    public ReadOnlySpan<byte> ReadStringSpan()
    {
        var start = _position;
        var b = Take();
        int length = b switch
        {
            >= MsgPackCode.MinFixStr and <= MsgPackCode.MaxFixStr => b & 0x1f,
            MsgPackCode.Str8 => Take(),
            MsgPackCode.Str16 => BinaryPrimitives.ReadUInt16BigEndian(Bytes(2)),
            MsgPackCode.Str32 => Length32(),
            _ => throw Unexpected(b, "string", start),
        };
        return Bytes(length);
    }

    /// <summary>A str decoded as strict UTF-8.</summary>
    public string ReadString()
    {
        var start = _position;
        var utf8 = ReadStringSpan();
        try
        {
            return StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException)
        {
            throw new MsgPackException("string is not valid UTF-8", start);
        }
    }

    /// <summary>The payload of a bin, as a slice of the input (no copy).</summary>
    public ReadOnlySpan<byte> ReadBinary()
    {
        var (offset, length) = ReadBinaryRange();
        return _data.Slice(offset, length);
    }

    /// <summary>Where a bin's payload is in the input: lets a caller slice its own memory without copying.</summary>
    public (int Offset, int Length) ReadBinaryRange()
    {
        var start = _position;
        var b = Take();
        int length = b switch
        {
            MsgPackCode.Bin8 => Take(),
            MsgPackCode.Bin16 => BinaryPrimitives.ReadUInt16BigEndian(Bytes(2)),
            MsgPackCode.Bin32 => Length32(),
            _ => throw Unexpected(b, "binary", start),
        };
        var offset = _position;
        Bytes(length);
        return (offset, length);
    }

    public int ReadArrayHeader()
    {
        var start = _position;
        var b = Take();
        var count = b switch
        {
            >= MsgPackCode.MinFixArray and <= MsgPackCode.MaxFixArray => b & 0x0f,
            MsgPackCode.Array16 => BinaryPrimitives.ReadUInt16BigEndian(Bytes(2)),
            MsgPackCode.Array32 => Length32(),
            _ => throw Unexpected(b, "array", start),
        };
        // Each element takes at least one byte.
        if (count > Remaining) throw new MsgPackException($"array declares {count} elements but only {Remaining} bytes remain", start);
        return count;
    }

    public int ReadMapHeader()
    {
        var start = _position;
        var b = Take();
        var count = b switch
        {
            >= MsgPackCode.MinFixMap and <= MsgPackCode.MaxFixMap => b & 0x0f,
            MsgPackCode.Map16 => BinaryPrimitives.ReadUInt16BigEndian(Bytes(2)),
            MsgPackCode.Map32 => Length32(),
            _ => throw Unexpected(b, "map", start),
        };
        // Each entry takes at least two bytes (key and value).
        if ((long)count * 2 > Remaining) throw new MsgPackException($"map declares {count} entries but only {Remaining} bytes remain", start);
        return count;
    }

    /// <summary>An extension's type and where its data is in the input.</summary>
    public (sbyte Type, int Offset, int Length) ReadExtRange()
    {
        var start = _position;
        var b = Take();
        int length = b switch
        {
            MsgPackCode.FixExt1 => 1,
            MsgPackCode.FixExt2 => 2,
            MsgPackCode.FixExt4 => 4,
            MsgPackCode.FixExt8 => 8,
            MsgPackCode.FixExt16 => 16,
            MsgPackCode.Ext8 => Take(),
            MsgPackCode.Ext16 => BinaryPrimitives.ReadUInt16BigEndian(Bytes(2)),
            MsgPackCode.Ext32 => Length32(),
            _ => throw Unexpected(b, "extension", start),
        };
        var type = unchecked((sbyte)Take());
        var offset = _position;
        Bytes(length);
        return (type, offset, length);
    }

    /// <summary>An extension's type; its data as a slice of the input.</summary>
    public sbyte ReadExt(out ReadOnlySpan<byte> data)
    {
        var (type, offset, length) = ReadExtRange();
        data = _data.Slice(offset, length);
        return type;
    }

    /// <summary>The timestamp extension (type -1) in any of its three forms.</summary>
    public DateTimeOffset ReadTimestamp()
    {
        var start = _position;
        var type = ReadExt(out var data);
        if (type != MsgPackCode.TimestampExt) throw new MsgPackException($"extension type {type} is not a timestamp", start);
        return DecodeTimestamp(data, start);
    }

    internal static DateTimeOffset DecodeTimestamp(ReadOnlySpan<byte> data, long offset)
    {
        long seconds;
        uint nanos;
        switch (data.Length)
        {
            case 4:
                seconds = BinaryPrimitives.ReadUInt32BigEndian(data);
                nanos = 0;
                break;
            case 8:
                var packed = BinaryPrimitives.ReadUInt64BigEndian(data);
                nanos = (uint)(packed >> 34);
                seconds = (long)(packed & 0x3_ffff_ffffUL);
                break;
            case 12:
                nanos = BinaryPrimitives.ReadUInt32BigEndian(data);
                seconds = BinaryPrimitives.ReadInt64BigEndian(data[4..]);
                break;
            default:
                throw new MsgPackException($"timestamp of {data.Length} bytes (expected 4, 8 or 12)", offset);
        }
        if (nanos > 999_999_999) throw new MsgPackException("timestamp nanoseconds out of range", offset);
        const long maxSeconds = 253402300799; // 9999-12-31T23:59:59Z
        const long minSeconds = -62135596800; // 0001-01-01T00:00:00Z
        if (seconds is > maxSeconds or < minSeconds) throw new MsgPackException("timestamp outside the range of DateTimeOffset", offset);
        return DateTimeOffset.UnixEpoch.AddTicks(seconds * TimeSpan.TicksPerSecond + nanos / 100);
    }

    /// <summary>Skips one whole value, nested ones included, within the depth limit.</summary>
    public void Skip() => Skip(0);

    private void Skip(int depth)
    {
        if (depth > Limits.MaxDepth) throw new MsgPackException($"nesting deeper than {Limits.MaxDepth}", _position);
        switch (PeekType())
        {
            case MsgPackType.Nil: _position++; break;
            case MsgPackType.Bool: _position++; break;
            case MsgPackType.Integer:
                if (Peek() == MsgPackCode.UInt64) ReadUInt64(); else ReadInt64();
                break;
            case MsgPackType.Float: ReadDouble(); break;
            case MsgPackType.String: ReadStringSpan(); break;
            case MsgPackType.Binary: ReadBinaryRange(); break;
            case MsgPackType.Extension: ReadExtRange(); break;
            case MsgPackType.Array:
                for (var n = ReadArrayHeader(); n > 0; n--) Skip(depth + 1);
                break;
            case MsgPackType.Map:
                for (var n = ReadMapHeader(); n > 0; n--)
                {
                    Skip(depth + 1);
                    Skip(depth + 1);
                }
                break;
        }
    }

    private byte Peek()
    {
        if (_position >= _data.Length) throw new MsgPackException("unexpected end of data", _position);
        return _data[_position];
    }

    private byte Take()
    {
        var b = Peek();
        _position++;
        return b;
    }

    private ReadOnlySpan<byte> Bytes(int length)
    {
        if (length < 0 || length > _data.Length - _position)
            throw new MsgPackException($"declared length {(uint)length} exceeds the {_data.Length - _position} bytes left", _position);
        var s = _data.Slice(_position, length);
        _position += length;
        return s;
    }

    private int Length32()
    {
        var at = _position;
        var n = BinaryPrimitives.ReadUInt32BigEndian(Bytes(4));
        if (n > (uint)(_data.Length - _position))
            throw new MsgPackException($"declared length {n} exceeds the {_data.Length - _position} bytes left", at);
        return (int)n;
    }

    private readonly MsgPackException Unexpected(byte code, string expected, int at = -1)
        => new($"expected {expected}, found format byte 0x{code:x2}", at >= 0 ? at : _position - 1);
}
