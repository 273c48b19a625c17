using System.Buffers;
using System.Text;
using MessagePack;
using WebRtcBridge.Protocol.MsgPack;

namespace WebRtcBridge.Bench.MsgPack;

/// <summary>
/// Our <see cref="MsgValue"/> tree read and written with MessagePack-CSharp's low-level <c>MessagePackReader</c>
/// and <c>MessagePackWriter</c>: what our codec would be if it moved to the library behind the same API. It
/// keeps our safety rules (shared small values, element budget charged before a container is allocated, binaries
/// copied out) so the comparison is of the tokenizers, not of the rules.
/// </summary>
internal static class LibraryTreeCodec
{
    public static MsgValue Decode(ReadOnlyMemory<byte> data, int maxElements, int maxDepth)
    {
        var reader = new MessagePackReader(data);
        long elements = 0;
        var value = Read(ref reader, 0, maxElements, maxDepth, ref elements);
        if (!reader.End) throw new MessagePackSerializationException("trailing bytes");
        return value;
    }

    private static MsgValue Read(ref MessagePackReader reader, int depth, int maxElements, int maxDepth, ref long elements)
    {
        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Nil:
                reader.ReadNil();
                return MsgValue.Nil;
            case MessagePackType.Boolean:
                return MsgValue.FromBool(reader.ReadBoolean());
            case MessagePackType.Integer:
                return reader.NextCode == MessagePackCode.UInt64 ? MsgValue.FromUInt64(reader.ReadUInt64()) : MsgValue.FromInt64(reader.ReadInt64());
            case MessagePackType.Float:
                return reader.NextCode == MessagePackCode.Float32 ? MsgValue.FromSingle(reader.ReadSingle()) : MsgValue.FromDouble(reader.ReadDouble());
            case MessagePackType.String:
                if (reader.TryReadStringSpan(out var utf8))
                {
                    if (utf8.Length == 0) return MsgValue.EmptyString;
                    return MsgValue.FromString(Encoding.UTF8.GetString(utf8));
                }
                return MsgValue.FromString(reader.ReadString()!);
            case MessagePackType.Binary:
                var bytes = reader.ReadBytes()!.Value;
                return MsgValue.FromBinary(bytes.ToArray());
            case MessagePackType.Extension:
                var header = reader.ReadExtensionFormatHeader();
                if (header.TypeCode == -1) return MsgValue.FromTimestamp(new DateTimeOffset(reader.ReadDateTime(header)));
                return MsgValue.FromExt(header.TypeCode, reader.ReadRaw(header.Length).ToArray());
            case MessagePackType.Array:
            {
                if (depth >= maxDepth) throw new MessagePackSerializationException("too deep");
                var count = reader.ReadArrayHeader();
                if (count == 0) return MsgValue.EmptyArray;
                if ((elements += count) > maxElements) throw new MessagePackSerializationException("element budget");
                var items = new MsgValue[count];
                for (var i = 0; i < count; i++) items[i] = Read(ref reader, depth + 1, maxElements, maxDepth, ref elements);
                return MsgValue.FromArray(items);
            }
            case MessagePackType.Map:
            {
                if (depth >= maxDepth) throw new MessagePackSerializationException("too deep");
                var count = reader.ReadMapHeader();
                if (count == 0) return MsgValue.EmptyMap;
                if ((elements += 2L * count) > maxElements) throw new MessagePackSerializationException("element budget");
                var entries = new KeyValuePair<MsgValue, MsgValue>[count];
                for (var i = 0; i < count; i++)
                {
                    var key = Read(ref reader, depth + 1, maxElements, maxDepth, ref elements);
                    entries[i] = new(key, Read(ref reader, depth + 1, maxElements, maxDepth, ref elements));
                }
                return MsgValue.FromEntries(entries);
            }
            default:
                throw new MessagePackSerializationException("unknown format byte");
        }
    }

    public static void Encode(MsgValue value, IBufferWriter<byte> output)
    {
        var writer = new MessagePackWriter(output);
        Write(ref writer, value);
        writer.Flush();
    }

    private static void Write(ref MessagePackWriter w, MsgValue v)
    {
        switch (v.Kind)
        {
            case MsgValueKind.Nil: w.WriteNil(); break;
            case MsgValueKind.Bool: w.Write(v.AsBool()); break;
            case MsgValueKind.Int: w.Write(v.AsInt64()); break;
            case MsgValueKind.UInt: w.Write(v.AsUInt64()); break;
            case MsgValueKind.Float:
                if (v.IsSingle) w.Write((float)v.AsDouble()); else w.Write(v.AsDouble());
                break;
            case MsgValueKind.String: w.Write(v.AsString()); break;
            case MsgValueKind.Binary: w.Write(v.AsBinary().Span); break;
            case MsgValueKind.Ext:
                var data = v.AsBinary();
                w.WriteExtensionFormat(new ExtensionResult(v.ExtType, new ReadOnlySequence<byte>(data)));
                break;
            case MsgValueKind.Timestamp: w.Write(v.AsTimestamp().UtcDateTime); break;
            case MsgValueKind.Array:
                var items = v.AsArray();
                w.WriteArrayHeader(items.Count);
                for (var i = 0; i < items.Count; i++) Write(ref w, items[i]);
                break;
            case MsgValueKind.Map:
                var entries = v.AsEntries();
                w.WriteMapHeader(entries.Count);
                for (var i = 0; i < entries.Count; i++)
                {
                    Write(ref w, entries[i].Key);
                    Write(ref w, entries[i].Value);
                }
                break;
        }
    }
}
