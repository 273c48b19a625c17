using System.Buffers;

namespace WebRtcBridge.Protocol.MsgPack;

/// <summary>Whole messages to and from <see cref="MsgValue"/> trees.</summary>
public static class MsgPackSerializer
{
    /// <summary>Decodes exactly one value filling <paramref name="data"/>. Binary values are slices of it.</summary>
    /// <exception cref="MsgPackException">Malformed, truncated, trailing bytes, or a limit broken.</exception>
    public static MsgValue Decode(ReadOnlyMemory<byte> data, MsgPackLimits? limits = null)
    {
        var reader = new MsgPackReader(data.Span, limits);
        if (reader.End) throw new MsgPackException("empty message");
        var value = Read(ref reader, data, 0);
        if (!reader.End) throw new MsgPackException($"{reader.Remaining} trailing bytes after the value", reader.Position);
        return value;
    }

    /// <summary>Decodes from a sequence; a multi-segment one is first copied into one array.</summary>
    public static MsgValue Decode(in ReadOnlySequence<byte> data, MsgPackLimits? limits = null)
    {
        MsgPackReader.Flatten(data, limits, out var contiguous);
        return Decode(contiguous, limits);
    }

    public static void Encode(MsgValue value, IBufferWriter<byte> output) => Write(new MsgPackWriter(output), value);

    public static byte[] EncodeToArray(MsgValue value)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Encode(value, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private static MsgValue Read(ref MsgPackReader reader, ReadOnlyMemory<byte> source, int depth)
    {
        switch (reader.PeekType())
        {
            case MsgPackType.Nil:
                reader.TryReadNil();
                return MsgValue.Nil;
            case MsgPackType.Bool:
                return MsgValue.FromBool(reader.ReadBool());
            case MsgPackType.Integer:
                return source.Span[reader.Position] == 0xcf ? MsgValue.FromUInt64(reader.ReadUInt64()) : MsgValue.FromInt64(reader.ReadInt64());
            case MsgPackType.Float:
                var single = source.Span[reader.Position] == 0xca;
                var d = reader.ReadDouble();
                return single ? MsgValue.FromSingle((float)d) : MsgValue.FromDouble(d);
            case MsgPackType.String:
                return MsgValue.FromString(reader.ReadString());
            case MsgPackType.Binary:
                var (offset, length) = reader.ReadBinaryRange();
                return MsgValue.FromBinary(source.Slice(offset, length));
            case MsgPackType.Extension:
                var at = reader.Position;
                var (type, extOffset, extLength) = reader.ReadExtRange();
                return type == -1
                    ? MsgValue.FromTimestamp(MsgPackReader.DecodeTimestamp(source.Span.Slice(extOffset, extLength), at))
                    : MsgValue.FromExt(type, source.Slice(extOffset, extLength));
            case MsgPackType.Array:
            {
                CheckDepth(depth, reader.Limits.MaxDepth, reader.Position);
                var count = reader.ReadArrayHeader();
                var items = new MsgValue[count];
                for (var i = 0; i < count; i++) items[i] = Read(ref reader, source, depth + 1);
                return MsgValue.FromArray(items);
            }
            case MsgPackType.Map:
            {
                CheckDepth(depth, reader.Limits.MaxDepth, reader.Position);
                var count = reader.ReadMapHeader();
                var entries = new KeyValuePair<MsgValue, MsgValue>[count];
                for (var i = 0; i < count; i++)
                {
                    var keyAt = reader.Position;
                    var key = Read(ref reader, source, depth + 1);
                    if (key.Kind is not (MsgValueKind.String or MsgValueKind.Int or MsgValueKind.UInt))
                        throw new MsgPackException($"map keys must be strings or integers, found {key.Kind}", keyAt);
                    entries[i] = new(key, Read(ref reader, source, depth + 1));
                }
                return MsgValue.FromEntries(entries);
            }
            default:
                throw new MsgPackException("unknown value", reader.Position);
        }
    }

    private static void CheckDepth(int depth, int maxDepth, int position)
    {
        if (depth >= maxDepth) throw new MsgPackException($"nesting deeper than {maxDepth}", position);
    }

    private static void Write(MsgPackWriter w, MsgValue v)
    {
        switch (v.Kind)
        {
            case MsgValueKind.Nil: w.WriteNil(); break;
            case MsgValueKind.Bool: w.WriteBool(v.AsBool()); break;
            case MsgValueKind.Int: w.WriteInt64(v.AsInt64()); break;
            case MsgValueKind.UInt: w.WriteUInt64(v.AsUInt64()); break;
            case MsgValueKind.Float:
                if (v.IsSingle) w.WriteSingle((float)v.AsDouble()); else w.WriteDouble(v.AsDouble());
                break;
            case MsgValueKind.String: w.WriteString(v.AsString()); break;
            case MsgValueKind.Binary: w.WriteBinary(v.AsBinary().Span); break;
            case MsgValueKind.Ext: w.WriteExt(v.ExtType, v.AsBinary().Span); break;
            case MsgValueKind.Timestamp: w.WriteTimestamp(v.AsTimestamp()); break;
            case MsgValueKind.Array:
                var items = v.AsArray();
                w.WriteArrayHeader(items.Count);
                for (var i = 0; i < items.Count; i++) Write(w, items[i]);
                break;
            case MsgValueKind.Map:
                var entries = v.AsEntries();
                w.WriteMapHeader(entries.Count);
                for (var i = 0; i < entries.Count; i++)
                {
                    Write(w, entries[i].Key);
                    Write(w, entries[i].Value);
                }
                break;
        }
    }
}
