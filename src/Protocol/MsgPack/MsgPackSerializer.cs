using System.Buffers;

namespace WebRtcBridge.Protocol.MsgPack;

/// <summary>Whole messages to and from <see cref="MsgValue"/> trees.</summary>
public static class MsgPackSerializer
{
    /// <summary>Decodes exactly one value filling <paramref name="data"/>. Binary values are slices of it.</summary>
    /// <exception cref="MsgPackException">Malformed, truncated, trailing bytes, or a limit broken.</exception>
    public static MsgValue Decode(ReadOnlyMemory<byte> data, MsgPackLimits? limits = null)
        => Decode(data, limits, copyBinaries: false, out _);

    /// <summary>
    /// Decodes exactly one value filling <paramref name="data"/>, within the limits' element budget. With
    /// <paramref name="copyBinaries"/> every bin and ext gets its own exact-size array, so the caller may reuse
    /// <paramref name="data"/> (return a pooled buffer) as soon as this returns; otherwise they are slices of it.
    /// <paramref name="treeBytes"/> is what the tree holds on the heap (at most <see cref="MsgPackLimits.MaxTreeBytes"/>).
    /// </summary>
    /// <exception cref="MsgPackException">Malformed, truncated, trailing bytes, or a limit broken.</exception>
    public static MsgValue Decode(ReadOnlyMemory<byte> data, MsgPackLimits? limits, bool copyBinaries, out long treeBytes)
    {
        var reader = new MsgPackReader(data.Span, limits);
        if (reader.End) throw new MsgPackException("empty message");
        var budget = new DecodeBudget(reader.Limits.MaxElements, MsgPackLimits.MaxTreeBytes(data.Length));
        var value = Read(ref reader, data, 0, ref budget, copyBinaries);
        if (!reader.End) throw new MsgPackException($"{reader.Remaining} trailing bytes after the value", reader.Position);
        treeBytes = budget.Bytes;
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

    private static MsgValue Read(ref MsgPackReader reader, ReadOnlyMemory<byte> source, int depth, ref DecodeBudget budget, bool copy)
    {
        var at = reader.Position;
        MsgValue value;
        switch (reader.PeekType())
        {
            case MsgPackType.Nil:
                reader.TryReadNil();
                return MsgValue.Nil;
            case MsgPackType.Bool:
                return MsgValue.FromBool(reader.ReadBool());
            case MsgPackType.Integer:
                // Integers msgpack writes in one or two bytes are shared values; larger ones are one new value each.
                if (reader.PeekCode() != MsgPackCode.UInt64)
                {
                    var integer = reader.ReadInt64();
                    if (!MsgValue.IsSharedInt(integer)) budget.Allocated(HeapSize.Value);
                    return MsgValue.FromInt64(integer);
                }
                value = MsgValue.FromUInt64(reader.ReadUInt64());
                break;
            case MsgPackType.Float:
                var single = reader.PeekCode() == MsgPackCode.Float32;
                var d = reader.ReadDouble();
                value = single ? MsgValue.FromSingle((float)d) : MsgValue.FromDouble(d);
                break;
            case MsgPackType.String:
                return ReadString(ref reader, ref budget);
            case MsgPackType.Binary:
                var (offset, length) = reader.ReadBinaryRange();
                if (length == 0) return MsgValue.EmptyBinary;
                value = MsgValue.FromBinary(Slice(source, offset, length, copy, ref budget));
                break;
            case MsgPackType.Extension:
                var (type, extOffset, extLength) = reader.ReadExtRange();
                value = type == MsgPackCode.TimestampExt
                    ? MsgValue.FromTimestamp(MsgPackReader.DecodeTimestamp(source.Span.Slice(extOffset, extLength), at))
                    : MsgValue.FromExt(type, Slice(source, extOffset, extLength, copy, ref budget));
                break;
            case MsgPackType.Array:
            {
                CheckDepth(depth, reader.Limits.MaxDepth, at);
                var count = reader.ReadArrayHeader();
                if (count == 0) return MsgValue.EmptyArray;
                budget.Take(count, at);
                budget.Allocated(HeapSize.Value + HeapSize.RefArray(count), at);
                var items = new MsgValue[count];
                for (var i = 0; i < count; i++) items[i] = Read(ref reader, source, depth + 1, ref budget, copy);
                return MsgValue.FromArray(items);
            }
            case MsgPackType.Map:
            {
                CheckDepth(depth, reader.Limits.MaxDepth, at);
                var count = reader.ReadMapHeader();
                if (count == 0) return MsgValue.EmptyMap;
                budget.Take(2L * count, at);
                budget.Allocated(HeapSize.Value + HeapSize.EntryArray(count), at);
                var entries = new KeyValuePair<MsgValue, MsgValue>[count];
                for (var i = 0; i < count; i++)
                {
                    var keyAt = reader.Position;
                    var key = Read(ref reader, source, depth + 1, ref budget, copy);
                    if (key.Kind is not (MsgValueKind.String or MsgValueKind.Int or MsgValueKind.UInt))
                        throw new MsgPackException($"map keys must be strings or integers, found {key.Kind}", keyAt);
                    entries[i] = new(key, Read(ref reader, source, depth + 1, ref budget, copy));
                }
                return MsgValue.FromEntries(entries);
            }
            default:
                throw new MsgPackException("unknown value", at);
        }
        // uint64, floats, bins, exts and timestamps are one new value each (uint64 is never a shared integer: its
        // encoding takes 9 bytes).
        budget.Allocated(HeapSize.Value);
        return value;
    }

    /// <summary>A str: the empty and one-character ASCII strings are shared; others are one new string.</summary>
    private static MsgValue ReadString(ref MsgPackReader reader, ref DecodeBudget budget)
    {
        var at = reader.Position;
        var utf8 = reader.ReadStringSpan();
        if (utf8.Length == 0) return MsgValue.EmptyString;
        if (utf8.Length == 1 && utf8[0] < 0x80) return MsgValue.AsciiChar(utf8[0]);
        // Validate, then decode with the shared UTF-8 instance (its small-string fast path; a strict instance is slower).
        if (!System.Text.Unicode.Utf8.IsValid(utf8)) throw new MsgPackException("string is not valid UTF-8", at);
        var text = System.Text.Encoding.UTF8.GetString(utf8);
        budget.Allocated(HeapSize.Value + HeapSize.String(text.Length));
        return MsgValue.FromString(text);
    }

    private static ReadOnlyMemory<byte> Slice(ReadOnlyMemory<byte> source, int offset, int length, bool copy, ref DecodeBudget budget)
    {
        var slice = source.Slice(offset, length);
        if (!copy || length == 0) return slice;
        budget.Allocated(HeapSize.ByteArray(length));
        return slice.ToArray();
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
