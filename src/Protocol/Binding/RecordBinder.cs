using System.Collections;
using System.Collections.Concurrent;
using WebRtcBridge.Protocol.MsgPack;

namespace WebRtcBridge.Protocol.Binding;

/// <summary>Non-generic entry: <c>RecordBinder.For&lt;T&gt;()</c>, cached per type.</summary>
public static class RecordBinder
{
    private static readonly ConcurrentDictionary<Type, object> Cache = new();

    public static RecordBinder<T> For<T>() => (RecordBinder<T>)Cache.GetOrAdd(typeof(T), _ => new RecordBinder<T>());
}

/// <summary>
/// Maps msgpack/JSON maps to C# records and back. Fields are matched to constructor parameters by wire name
/// (<see cref="MsgFieldAttribute"/> or snake_case); missing required fields, wrong types and out-of-range numbers
/// throw <see cref="InputValidationException"/> naming the field (dotted for nested ones); unknown fields are ignored
/// (as pydantic does) unless a <see cref="MsgExtensionDataAttribute"/> parameter collects them. Supported types:
/// string, bool, the integer types (range-checked), double, float, decimal, <c>byte[]</c> and
/// <c>ReadOnlyMemory&lt;byte&gt;</c> (msgpack bin, or in JSON a base64 or <c>data:</c> URI string), enums (by name),
/// DateTimeOffset, <see cref="MsgValue"/> itself, nested records, arrays and lists, string-keyed dictionaries, and
/// nullable forms of all of them.
/// </summary>
public sealed class RecordBinder<T>
{
    private readonly Func<MsgValue, string, object?> _read;
    private readonly Func<object?, MsgValue> _write;

    internal RecordBinder()
    {
        _read = ValueConverters.Reader(typeof(T));
        _write = ValueConverters.Writer(typeof(T));
    }

    /// <summary>Binds an input map (or any value for non-record types).</summary>
    public T FromValue(MsgValue value) => (T)_read(value, "")!;

    /// <summary>Writes a value as msgpack/JSON data; records become maps without their null fields.</summary>
    public MsgValue ToValue(T value) => _write(value);
}

/// <summary>Reflection-built, cached converters between <see cref="MsgValue"/> and CLR types.</summary>
internal static class ValueConverters
{
    private static readonly ConcurrentDictionary<Type, Func<MsgValue, string, object?>> Readers = new();
    private static readonly ConcurrentDictionary<Type, Func<object?, MsgValue>> Writers = new();

    public static Func<MsgValue, string, object?> Reader(Type type) => Readers.GetOrAdd(type, BuildReader);
    public static Func<object?, MsgValue> Writer(Type type) => Writers.GetOrAdd(type, BuildWriter);

    private static string Describe(MsgValue v) => v.Kind.ToString().ToLowerInvariant();

    private static InputValidationException Wrong(string path, string expected, MsgValue got)
        => new(path.Length == 0 ? "input" : path, $"expected {expected}, got {Describe(got)}");

    private static Func<MsgValue, string, object?> BuildReader(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null)
        {
            var inner = Reader(underlying);
            return (v, p) => v.IsNil ? null : inner(v, p);
        }
        if (type == typeof(MsgValue)) return (v, _) => v;
        if (type == typeof(string))
            return (v, p) => v.Kind == MsgValueKind.String ? v.AsString() : throw Wrong(p, "a string", v);
        if (type == typeof(bool))
            return (v, p) => v.Kind == MsgValueKind.Bool ? v.AsBool() : throw Wrong(p, "a boolean", v);
        if (type == typeof(double)) return (v, p) => ReadDouble(v, p);
        if (type == typeof(float)) return (v, p) => (float)ReadDouble(v, p);
        if (type == typeof(decimal)) return (v, p) => (decimal)ReadDouble(v, p);
        if (type == typeof(long)) return (v, p) => ReadInteger(v, p, long.MinValue, long.MaxValue);
        if (type == typeof(int)) return (v, p) => (int)ReadInteger(v, p, int.MinValue, int.MaxValue);
        if (type == typeof(short)) return (v, p) => (short)ReadInteger(v, p, short.MinValue, short.MaxValue);
        if (type == typeof(byte)) return (v, p) => (byte)ReadInteger(v, p, byte.MinValue, byte.MaxValue);
        if (type == typeof(uint)) return (v, p) => (uint)ReadInteger(v, p, uint.MinValue, uint.MaxValue);
        if (type == typeof(ulong))
            return (v, p) => v.Kind == MsgValueKind.UInt ? v.AsUInt64() : (ulong)ReadInteger(v, p, 0, long.MaxValue);
        if (type == typeof(byte[])) return (v, p) => ReadBytes(v, p).ToArray();
        if (type == typeof(ReadOnlyMemory<byte>)) return (v, p) => ReadBytes(v, p);
        if (type == typeof(DateTimeOffset))
            return (v, p) => v.Kind == MsgValueKind.Timestamp ? v.AsTimestamp()
                : v.Kind == MsgValueKind.String && DateTimeOffset.TryParse(v.AsString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var d) ? d
                : throw Wrong(p, "a timestamp", v);
        if (type.IsEnum) return BuildEnumReader(type);
        if (type.IsArray)
        {
            var element = type.GetElementType()!;
            var read = Reader(element);
            return (v, p) =>
            {
                var items = ReadList(v, p, read);
                var array = Array.CreateInstance(element, items.Count);
                for (var i = 0; i < items.Count; i++) array.SetValue(items[i], i);
                return array;
            };
        }
        if (type.IsGenericType)
        {
            var def = type.GetGenericTypeDefinition();
            var args = type.GetGenericArguments();
            if (def == typeof(List<>) || def == typeof(IReadOnlyList<>) || def == typeof(IList<>) ||
                def == typeof(IEnumerable<>) || def == typeof(IReadOnlyCollection<>) || def == typeof(ICollection<>))
            {
                var read = Reader(args[0]);
                return (v, p) =>
                {
                    var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(args[0]))!;
                    foreach (var item in ReadList(v, p, read)) list.Add(item);
                    return list;
                };
            }
            if ((def == typeof(Dictionary<,>) || def == typeof(IReadOnlyDictionary<,>) || def == typeof(IDictionary<,>)) &&
                args[0] == typeof(string))
            {
                var read = Reader(args[1]);
                return (v, p) =>
                {
                    if (v.Kind != MsgValueKind.Map) throw Wrong(p, "a map", v);
                    var dict = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(args))!;
                    foreach (var (key, item) in v.AsMapEntries())
                        dict[key] = read(item, Join(p, key));
                    return dict;
                };
            }
        }
        return RecordShape.Of(type).Read;
    }

    private static Func<MsgValue, string, object?> BuildEnumReader(Type type)
    {
        var names = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
        foreach (var value in Enum.GetValues(type))
        {
            var name = Enum.GetName(type, value)!;
            names[name] = value;
            names[NameConvention.ToSnakeCase(name)] = value;
        }
        var allowed = string.Join(", ", Enum.GetNames(type).Select(NameConvention.ToSnakeCase));
        return (v, p) => v.Kind == MsgValueKind.String && names.TryGetValue(v.AsString(), out var e) ? e
            : throw new InputValidationException(p.Length == 0 ? "input" : p, $"must be one of {allowed}");
    }

    internal static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;

    private static List<object?> ReadList(MsgValue v, string p, Func<MsgValue, string, object?> read)
    {
        if (v.Kind != MsgValueKind.Array) throw Wrong(p, "an array", v);
        var items = v.AsArray();
        var result = new List<object?>(items.Count);
        for (var i = 0; i < items.Count; i++) result.Add(read(items[i], $"{p}[{i}]"));
        return result;
    }

    private static double ReadDouble(MsgValue v, string p) => v.Kind switch
    {
        MsgValueKind.Float => v.AsDouble(),
        MsgValueKind.Int => v.AsInt64(),
        MsgValueKind.UInt => v.AsUInt64(),
        _ => throw Wrong(p, "a number", v),
    };

    private static long ReadInteger(MsgValue v, string p, long min, long max)
    {
        long n;
        switch (v.Kind)
        {
            case MsgValueKind.Int:
                n = v.AsInt64();
                break;
            case MsgValueKind.UInt:
                throw new InputValidationException(p, $"must be between {min} and {max}");
            case MsgValueKind.Float when Math.Floor(v.AsDouble()) == v.AsDouble() && Math.Abs(v.AsDouble()) < 9.0e15:
                n = (long)v.AsDouble();
                break;
            default:
                throw Wrong(p, "an integer", v);
        }
        if (n < min || n > max) throw new InputValidationException(p, $"must be between {min} and {max}, got {n}");
        return n;
    }

    private static ReadOnlyMemory<byte> ReadBytes(MsgValue v, string p)
        => JsonMapping.TryGetBytes(v, out var bytes) ? bytes : throw Wrong(p, "bytes (msgpack bin, base64 or a data: URI)", v);

    private static Func<object?, MsgValue> BuildWriter(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null)
        {
            var inner = Writer(underlying);
            return o => o is null ? MsgValue.Nil : inner(o);
        }
        if (type == typeof(MsgValue)) return o => o is null ? MsgValue.Nil : (MsgValue)o;
        if (type == typeof(string)) return o => o is null ? MsgValue.Nil : MsgValue.FromString((string)o);
        if (type == typeof(bool)) return o => MsgValue.FromBool((bool)o!);
        if (type == typeof(double)) return o => MsgValue.FromDouble((double)o!);
        if (type == typeof(float)) return o => MsgValue.FromDouble((float)o!);
        if (type == typeof(decimal)) return o => MsgValue.FromDouble((double)(decimal)o!);
        if (type == typeof(long) || type == typeof(int) || type == typeof(short) || type == typeof(byte) || type == typeof(uint))
            return o => MsgValue.FromInt64(Convert.ToInt64(o));
        if (type == typeof(ulong)) return o => MsgValue.FromUInt64((ulong)o!);
        if (type == typeof(byte[])) return o => o is null ? MsgValue.Nil : MsgValue.FromBinary((byte[])o);
        if (type == typeof(ReadOnlyMemory<byte>)) return o => MsgValue.FromBinary((ReadOnlyMemory<byte>)o!);
        if (type == typeof(DateTimeOffset)) return o => MsgValue.FromTimestamp((DateTimeOffset)o!);
        if (type.IsEnum) return o => MsgValue.FromString(NameConvention.ToSnakeCase(o!.ToString()!));
        if (typeof(IDictionary).IsAssignableFrom(type) || IsStringDictionary(type))
            return o => o is null ? MsgValue.Nil : WriteDictionary((IEnumerable)o);
        if (type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type))
            return o =>
            {
                if (o is null) return MsgValue.Nil;
                var items = new List<MsgValue>();
                foreach (var item in (IEnumerable)o) items.Add(item is null ? MsgValue.Nil : Writer(item.GetType())(item));
                return MsgValue.FromArray(items);
            };
        return RecordShape.Of(type).Write;
    }

    private static bool IsStringDictionary(Type type) => type.GetInterfaces().Append(type).Any(i =>
        i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>) && i.GetGenericArguments()[0] == typeof(string));

    private static MsgValue WriteDictionary(IEnumerable dictionary)
    {
        var entries = new List<KeyValuePair<string, MsgValue>>();
        foreach (var item in dictionary)
        {
            var t = item!.GetType();
            var key = (string)t.GetProperty("Key")!.GetValue(item)!;
            var value = t.GetProperty("Value")!.GetValue(item);
            entries.Add(new(key, value is null ? MsgValue.Nil : Writer(value.GetType())(value)));
        }
        return MsgValue.FromMap(entries);
    }
}
