using System.Globalization;

namespace WebRtcBridge.Protocol.MsgPack;

/// <summary>
/// A decoded msgpack (or JSON) value: the tree realtime messages are handled as. Integers are <see cref="MsgValueKind.Int"/>
/// unless they exceed <c>long.MaxValue</c> (<see cref="MsgValueKind.UInt"/>); binaries decoded from a buffer are slices
/// of it (no copy), so they live as long as that buffer. Maps keep insertion order; their keys are usually strings
/// (<see cref="TryGet"/> looks those up) but integer keys are kept as they came. Values are immutable.
/// </summary>
public sealed class MsgValue : IEquatable<MsgValue>
{
    public static readonly MsgValue Nil = new(MsgValueKind.Nil);
    public static readonly MsgValue True = new(MsgValueKind.Bool) { _bits = 1 };
    public static readonly MsgValue False = new(MsgValueKind.Bool);
    private static readonly MsgValue[] SmallInts = Enumerable.Range(-32, 160).Select(i => new MsgValue(MsgValueKind.Int) { _bits = i }).ToArray();

    private long _bits;
    private double _double;
    private object? _ref;
    private ReadOnlyMemory<byte> _bytes;

    private MsgValue(MsgValueKind kind) => Kind = kind;

    public MsgValueKind Kind { get; }
    public bool IsNil => Kind == MsgValueKind.Nil;

    /// <summary>For <see cref="MsgValueKind.Float"/>: whether it was (or will be written as) float32.</summary>
    public bool IsSingle { get; private init; }

    /// <summary>For <see cref="MsgValueKind.Ext"/>: the extension type.</summary>
    public sbyte ExtType => Kind == MsgValueKind.Ext ? (sbyte)_bits : throw Wrong("ext");

    // ---- construction ----
    public static MsgValue FromBool(bool value) => value ? True : False;

    public static MsgValue FromInt64(long value)
        => value is >= -32 and < 128 ? SmallInts[value + 32] : new MsgValue(MsgValueKind.Int) { _bits = value };

    public static MsgValue FromUInt64(ulong value)
        => value <= long.MaxValue ? FromInt64((long)value) : new MsgValue(MsgValueKind.UInt) { _bits = unchecked((long)value) };

    public static MsgValue FromDouble(double value) => new(MsgValueKind.Float) { _double = value };
    public static MsgValue FromSingle(float value) => new(MsgValueKind.Float) { _double = value, IsSingle = true };
    public static MsgValue FromString(string value) => new(MsgValueKind.String) { _ref = value ?? throw new ArgumentNullException(nameof(value)) };
    public static MsgValue FromBinary(ReadOnlyMemory<byte> value) => new(MsgValueKind.Binary) { _bytes = value };
    public static MsgValue FromExt(sbyte type, ReadOnlyMemory<byte> data) => new(MsgValueKind.Ext) { _bits = type, _bytes = data };
    public static MsgValue FromTimestamp(DateTimeOffset value) => new(MsgValueKind.Timestamp) { _ref = value };

    public static MsgValue FromArray(IReadOnlyList<MsgValue> items) => new(MsgValueKind.Array) { _ref = items };

    /// <summary>A map with string keys, in the given order.</summary>
    public static MsgValue FromMap(IEnumerable<KeyValuePair<string, MsgValue>> entries)
        => new(MsgValueKind.Map) { _ref = entries.Select(e => new KeyValuePair<MsgValue, MsgValue>(FromString(e.Key), e.Value)).ToArray() };

    /// <summary>A map with keys of any kind (msgpack allows them; fal's peers only use strings).</summary>
    public static MsgValue FromEntries(IReadOnlyList<KeyValuePair<MsgValue, MsgValue>> entries) => new(MsgValueKind.Map) { _ref = entries };

    /// <summary>Builds a map from (key, value) tuples; values may be CLR primitives, strings, byte arrays or MsgValues.</summary>
    public static MsgValue Map(params (string Key, object? Value)[] entries)
        => FromMap(entries.Select(e => new KeyValuePair<string, MsgValue>(e.Key, From(e.Value))));

    /// <summary>Builds an array from CLR values (see <see cref="From"/>).</summary>
    public static MsgValue Array(params object?[] items) => FromArray(items.Select(From).ToArray());

    /// <summary>Converts a CLR value: null, bool, integers, floating point, string, byte[]/ReadOnlyMemory, DateTimeOffset,
    /// MsgValue, arrays/lists of those, and string-keyed dictionaries.</summary>
    public static MsgValue From(object? value) => value switch
    {
        null => Nil,
        MsgValue v => v,
        bool b => FromBool(b),
        sbyte or short or int or long or byte or ushort or uint => FromInt64(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        ulong u => FromUInt64(u),
        float f => FromSingle(f),
        double d => FromDouble(d),
        decimal m => FromDouble((double)m),
        string s => FromString(s),
        byte[] bytes => FromBinary(bytes),
        ReadOnlyMemory<byte> mem => FromBinary(mem),
        Memory<byte> mem => FromBinary(mem),
        DateTimeOffset t => FromTimestamp(t),
        DateTime t => FromTimestamp(new DateTimeOffset(t.ToUniversalTime())),
        IEnumerable<KeyValuePair<string, MsgValue>> map => FromMap(map),
        IEnumerable<KeyValuePair<string, object?>> map => FromMap(map.Select(e => new KeyValuePair<string, MsgValue>(e.Key, From(e.Value)))),
        System.Collections.IEnumerable list => FromArray(list.Cast<object?>().Select(From).ToArray()),
        _ => throw new ArgumentException($"cannot convert {value.GetType()} to a msgpack value", nameof(value)),
    };

    public static implicit operator MsgValue(string value) => FromString(value);
    public static implicit operator MsgValue(long value) => FromInt64(value);
    public static implicit operator MsgValue(int value) => FromInt64(value);
    public static implicit operator MsgValue(double value) => FromDouble(value);
    public static implicit operator MsgValue(bool value) => FromBool(value);
    public static implicit operator MsgValue(byte[] value) => FromBinary(value);

    // ---- access ----
    public bool AsBool() => Kind == MsgValueKind.Bool ? _bits != 0 : throw Wrong("bool");

    public long AsInt64() => Kind switch
    {
        MsgValueKind.Int => _bits,
        MsgValueKind.UInt => throw new InvalidOperationException("value exceeds long.MaxValue"),
        _ => throw Wrong("integer"),
    };

    public ulong AsUInt64() => Kind switch
    {
        MsgValueKind.UInt => unchecked((ulong)_bits),
        MsgValueKind.Int when _bits >= 0 => (ulong)_bits,
        _ => throw Wrong("non-negative integer"),
    };

    /// <summary>Floats, and integers converted to double.</summary>
    public double AsDouble() => Kind switch
    {
        MsgValueKind.Float => _double,
        MsgValueKind.Int => _bits,
        MsgValueKind.UInt => unchecked((ulong)_bits),
        _ => throw Wrong("number"),
    };

    public string AsString() => Kind == MsgValueKind.String ? (string)_ref! : throw Wrong("string");

    /// <summary>A binary's bytes (or an ext's data).</summary>
    public ReadOnlyMemory<byte> AsBinary() => Kind is MsgValueKind.Binary or MsgValueKind.Ext ? _bytes : throw Wrong("binary");

    public DateTimeOffset AsTimestamp() => Kind == MsgValueKind.Timestamp ? (DateTimeOffset)_ref! : throw Wrong("timestamp");

    public IReadOnlyList<MsgValue> AsArray() => Kind == MsgValueKind.Array ? (IReadOnlyList<MsgValue>)_ref! : throw Wrong("array");

    /// <summary>A map's entries with their keys as they came.</summary>
    public IReadOnlyList<KeyValuePair<MsgValue, MsgValue>> AsEntries()
        => Kind == MsgValueKind.Map ? (IReadOnlyList<KeyValuePair<MsgValue, MsgValue>>)_ref! : throw Wrong("map");

    /// <summary>A map's entries with string keys (integer keys in their decimal form; other keys skipped).</summary>
    public IEnumerable<KeyValuePair<string, MsgValue>> AsMapEntries()
    {
        foreach (var (k, v) in AsEntries())
        {
            var key = k.Kind switch
            {
                MsgValueKind.String => k.AsString(),
                MsgValueKind.Int => k._bits.ToString(CultureInfo.InvariantCulture),
                MsgValueKind.UInt => unchecked((ulong)k._bits).ToString(CultureInfo.InvariantCulture),
                _ => null,
            };
            if (key is not null) yield return new(key, v);
        }
    }

    /// <summary>Number of entries of a map or items of an array.</summary>
    public int Count => Kind switch
    {
        MsgValueKind.Map => AsEntries().Count,
        MsgValueKind.Array => AsArray().Count,
        _ => throw Wrong("map or array"),
    };

    /// <summary>Looks up a string key of a map; false for other kinds.</summary>
    public bool TryGet(string key, out MsgValue value)
    {
        if (Kind == MsgValueKind.Map)
        {
            foreach (var (k, v) in (IReadOnlyList<KeyValuePair<MsgValue, MsgValue>>)_ref!)
            {
                if (k.Kind == MsgValueKind.String && (string)k._ref! == key)
                {
                    value = v;
                    return true;
                }
            }
        }
        value = Nil;
        return false;
    }

    /// <summary>The value of a string key, or <see cref="Nil"/>.</summary>
    public MsgValue this[string key] => TryGet(key, out var v) ? v : Nil;

    public MsgValue this[int index] => AsArray()[index];

    private InvalidOperationException Wrong(string expected) => new($"expected {expected}, the value is {Kind}");

    // ---- equality (structural; for tests and dedup) ----
    public bool Equals(MsgValue? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null || other.Kind != Kind) return false;
        switch (Kind)
        {
            case MsgValueKind.Nil: return true;
            case MsgValueKind.Bool:
            case MsgValueKind.Int:
            case MsgValueKind.UInt: return _bits == other._bits;
            case MsgValueKind.Float: return _double.Equals(other._double);
            case MsgValueKind.String: return (string)_ref! == (string)other._ref!;
            case MsgValueKind.Binary: return _bytes.Span.SequenceEqual(other._bytes.Span);
            case MsgValueKind.Ext: return _bits == other._bits && _bytes.Span.SequenceEqual(other._bytes.Span);
            case MsgValueKind.Timestamp: return AsTimestamp() == other.AsTimestamp();
            case MsgValueKind.Array:
                var a = AsArray();
                var b = other.AsArray();
                if (a.Count != b.Count) return false;
                for (var i = 0; i < a.Count; i++) if (!a[i].Equals(b[i])) return false;
                return true;
            case MsgValueKind.Map:
                var x = AsEntries();
                var y = other.AsEntries();
                if (x.Count != y.Count) return false;
                for (var i = 0; i < x.Count; i++)
                    if (!x[i].Key.Equals(y[i].Key) || !x[i].Value.Equals(y[i].Value)) return false;
                return true;
        }
        return false;
    }

    public override bool Equals(object? obj) => Equals(obj as MsgValue);

    public override int GetHashCode() => Kind switch
    {
        MsgValueKind.String => HashCode.Combine(Kind, (string)_ref!),
        MsgValueKind.Int or MsgValueKind.UInt or MsgValueKind.Bool => HashCode.Combine(Kind, _bits),
        MsgValueKind.Float => HashCode.Combine(Kind, _double),
        MsgValueKind.Binary => HashCode.Combine(Kind, _bytes.Length),
        _ => Kind.GetHashCode(),
    };

    /// <summary>JSON text of the value (for logs and test messages).</summary>
    public override string ToString() => JsonMapping.ToJsonString(this);
}
