using System.Buffers;
using System.Text;
using System.Text.Json;

namespace WebRtcBridge.Protocol.MsgPack;

/// <summary>
/// The JSON side of the realtime protocol: how <see cref="MsgValue"/>s and JSON map onto each other.
/// <list type="table">
/// <item><term>nil ↔ null, bool ↔ true/false, str ↔ string</term></item>
/// <item><term>int/uint ↔ integer</term><description>JSON numbers without fraction or exponent that fit 64 bits
/// become integers; all others become float64.</description></item>
/// <item><term>float → number</term><description>NaN and ±Infinity have no JSON form and are written as null.</description></item>
/// <item><term>bin → base64 string</term><description>standard alphabet, padded. JSON cannot mark a string as bytes,
/// so a field that expects bytes accepts a base64 string or a <c>data:…;base64,</c> URI (<see cref="TryGetBytes"/>).</description></item>
/// <item><term>array ↔ array, map ↔ object</term><description>integer map keys are written in decimal; objects
/// always give string keys.</description></item>
/// <item><term>timestamp → ISO-8601 string</term><description>(round-trip "o" format, UTC).</description></item>
/// <item><term>ext → {"$ext": type, "data": base64}</term></item>
/// </list>
/// Decoding allocates at most <see cref="MsgPackLimits.MaxTreeBytes"/> for an input and counts values
/// against <see cref="MsgPackLimits.MaxElements"/>.
/// Bad JSON, too deep nesting, too many values and oversized messages throw <see cref="MsgPackException"/>, the same exception as
/// the msgpack side, so a host catches one type for both encodings.
/// </summary>
public static class JsonMapping
{
    public static MsgValue FromJson(ReadOnlySpan<byte> utf8, MsgPackLimits? limits = null) => FromJson(utf8, limits, out _);

    /// <summary>
    /// Parses one JSON value within the limits' element budget. <paramref name="treeBytes"/> is what the tree holds on
    /// the heap: at most <see cref="MsgPackLimits.MaxTreeBytes"/>. Items are gathered on one
    /// pooled stack and each container gets an exact-size array, so no list grows and is thrown away.
    /// </summary>
    public static MsgValue FromJson(ReadOnlySpan<byte> utf8, MsgPackLimits? limits, out long treeBytes)
    {
        limits ??= MsgPackLimits.Default;
        if (utf8.Length > limits.MaxMessageSize)
            throw new MsgPackException($"message of {utf8.Length} bytes exceeds the limit of {limits.MaxMessageSize} bytes");
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = limits.MaxDepth, CommentHandling = JsonCommentHandling.Disallow });
        var stack = new JsonValueStack();
        var budget = new DecodeBudget(limits.MaxElements, MsgPackLimits.MaxTreeBytes(utf8.Length));
        try
        {
            if (!reader.Read()) throw new MsgPackException("empty JSON");
            var value = Read(ref reader, ref stack, ref budget);
            if (reader.Read()) throw new MsgPackException("trailing data after the JSON value", reader.TokenStartIndex);
            treeBytes = budget.Bytes;
            return value;
        }
        catch (JsonException e)
        {
            throw new MsgPackException("invalid JSON: " + e.Message, e);
        }
        catch (InvalidOperationException e)
        {
            throw new MsgPackException("invalid JSON: " + e.Message, e);
        }
        finally
        {
            stack.Dispose();
        }
    }

    public static MsgValue FromJson(string json, MsgPackLimits? limits = null) => FromJson(Encoding.UTF8.GetBytes(json), limits);

    private static MsgValue Read(ref Utf8JsonReader reader, ref JsonValueStack stack, ref DecodeBudget budget)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null: return MsgValue.Nil;
            case JsonTokenType.True: return MsgValue.True;
            case JsonTokenType.False: return MsgValue.False;
            case JsonTokenType.String:
            case JsonTokenType.PropertyName:
                return ReadString(ref reader, ref budget);
            case JsonTokenType.Number:
                return ReadNumber(ref reader, ref budget);
            case JsonTokenType.StartArray:
            {
                var mark = stack.Count;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    budget.Take(1, reader.TokenStartIndex);
                    stack.Push(Read(ref reader, ref stack, ref budget));
                }
                var count = stack.Count - mark;
                if (count == 0) return MsgValue.EmptyArray;
                budget.Allocated(HeapSize.Value + HeapSize.RefArray(count), reader.TokenStartIndex);
                return MsgValue.FromArray(stack.PopItems(mark));
            }
            case JsonTokenType.StartObject:
            {
                var mark = stack.Count;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    budget.Take(2, reader.TokenStartIndex);
                    stack.Push(ReadString(ref reader, ref budget));
                    reader.Read();
                    stack.Push(Read(ref reader, ref stack, ref budget));
                }
                var count = (stack.Count - mark) / 2;
                if (count == 0) return MsgValue.EmptyMap;
                budget.Allocated(HeapSize.Value + HeapSize.EntryArray(count), reader.TokenStartIndex);
                return MsgValue.FromEntries(stack.PopEntries(mark));
            }
            default:
                throw new MsgPackException($"unexpected JSON token {reader.TokenType}", reader.TokenStartIndex);
        }
    }

    /// <summary>A string or property name: the empty and one-character ASCII ones are shared.</summary>
    private static MsgValue ReadString(ref Utf8JsonReader reader, ref DecodeBudget budget)
    {
        if (!reader.ValueIsEscaped)
        {
            var raw = reader.ValueSpan;
            if (raw.Length == 0) return MsgValue.EmptyString;
            if (raw.Length == 1 && raw[0] < 0x80) return MsgValue.AsciiChar(raw[0]);
        }
        var text = reader.GetString()!;
        budget.Allocated(HeapSize.Value + HeapSize.String(text.Length));
        return MsgValue.FromString(text);
    }

    /// <summary>
    /// A number, with no allocation besides its value (none for integers -128..255): integers without fraction or
    /// exponent that fit 64 bits stay integers, all others are float64.
    /// </summary>
    private static MsgValue ReadNumber(ref Utf8JsonReader reader, ref DecodeBudget budget)
    {
        // The reader is over one span, so a number is never split across segments.
        if (reader.ValueSpan.IndexOfAny(".eE"u8) < 0)
        {
            if (reader.TryGetInt64(out var l))
            {
                if (!MsgValue.IsSharedInt(l)) budget.Allocated(HeapSize.Value);
                return MsgValue.FromInt64(l);
            }
            if (reader.TryGetUInt64(out var u))
            {
                budget.Allocated(HeapSize.Value);
                return MsgValue.FromUInt64(u);
            }
        }
        if (!reader.TryGetDouble(out var d) || !double.IsFinite(d))
            throw new MsgPackException("number out of the range of a float64", reader.TokenStartIndex);
        budget.Allocated(HeapSize.Value);
        return MsgValue.FromDouble(d);
    }

    public static void WriteJson(MsgValue value, Utf8JsonWriter writer)
    {
        switch (value.Kind)
        {
            case MsgValueKind.Nil: writer.WriteNullValue(); break;
            case MsgValueKind.Bool: writer.WriteBooleanValue(value.AsBool()); break;
            case MsgValueKind.Int: writer.WriteNumberValue(value.AsInt64()); break;
            case MsgValueKind.UInt: writer.WriteNumberValue(value.AsUInt64()); break;
            case MsgValueKind.Float:
                var d = value.AsDouble();
                if (double.IsFinite(d)) writer.WriteNumberValue(d); else writer.WriteNullValue();
                break;
            case MsgValueKind.String: writer.WriteStringValue(value.AsString()); break;
            case MsgValueKind.Binary: writer.WriteBase64StringValue(value.AsBinary().Span); break;
            case MsgValueKind.Timestamp: writer.WriteStringValue(value.AsTimestamp().UtcDateTime.ToString("o")); break;
            case MsgValueKind.Ext:
                writer.WriteStartObject();
                writer.WriteNumber("$ext", value.ExtType);
                writer.WriteBase64String("data", value.AsBinary().Span);
                writer.WriteEndObject();
                break;
            case MsgValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.AsArray()) WriteJson(item, writer);
                writer.WriteEndArray();
                break;
            case MsgValueKind.Map:
                writer.WriteStartObject();
                foreach (var (key, item) in value.AsMapEntries())
                {
                    writer.WritePropertyName(key);
                    WriteJson(item, writer);
                }
                writer.WriteEndObject();
                break;
        }
    }

    public static byte[] ToJsonBytes(MsgValue value)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer)) WriteJson(value, writer);
        return buffer.WrittenSpan.ToArray();
    }

    public static string ToJsonString(MsgValue value) => Encoding.UTF8.GetString(ToJsonBytes(value));

    /// <summary>Bytes from a value meant to be bytes: a msgpack bin, a base64 string, or a <c>data:…;base64,</c> URI.</summary>
    public static bool TryGetBytes(MsgValue value, out ReadOnlyMemory<byte> bytes)
    {
        bytes = default;
        switch (value.Kind)
        {
            case MsgValueKind.Binary:
                bytes = value.AsBinary();
                return true;
            case MsgValueKind.String:
                var text = value.AsString().AsSpan();
                if (text.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
                {
                    var comma = text.IndexOf(',');
                    if (comma < 0 || !text[..comma].EndsWith(";base64", StringComparison.OrdinalIgnoreCase)) return false;
                    text = text[(comma + 1)..];
                }
                var buffer = new byte[text.Length * 3 / 4 + 3];
                if (!Convert.TryFromBase64Chars(text, buffer, out var written)) return false;
                bytes = buffer.AsMemory(0, written);
                return true;
            default:
                return false;
        }
    }
}
