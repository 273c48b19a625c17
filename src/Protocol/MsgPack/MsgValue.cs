using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;

namespace WebRtcBridge.Protocol.MsgPack;

/// <summary>
/// A decoded msgpack (or JSON) value: the tree realtime messages are handled as. Integers are <see cref="MsgValueKind.Int"/>
/// unless they exceed <c>long.MaxValue</c> (<see cref="MsgValueKind.UInt"/>); binaries decoded from a buffer are slices
/// of it (no copy), so they live as long as that buffer. Maps keep insertion order; their keys are usually strings
/// (<see cref="TryGet"/> looks those up) but integer keys are kept as they came. Values are immutable.
/// </summary>
public sealed class MsgValue : IEquatable<MsgValue>
{
    // Layout on 64-bit: 16 bytes of object header + _ref 8 + _bits 8 + _aux 4 + _kind 1 + _single 1 = 38, padded to
    // 40 bytes (MsgValueSize). Decoding allocates no object for nil, bools, integers -128..255, the empty string,
    // one-character ASCII strings, and empty arrays, maps and binaries: those are shared (MsgPackLimits states
    // what a decode may allocate per input byte).
    private readonly object? _ref;   // string; IReadOnlyList of items or entries; byte[] or MemoryManager (bin, ext)
    private readonly long _bits;     // int/uint/bool; float64 bits; timestamp UTC ticks; bin/ext (start << 32 | length)
    private readonly int _aux;       // ext type; timestamp offset in minutes
    private readonly MsgValueKind _kind;
    private readonly bool _single;

    /// <summary>Bytes one <see cref="MsgValue"/> object takes on a 64-bit runtime (checked by a test).</summary>
    internal const int MsgValueSize = 40;

    public static readonly MsgValue Nil = new(MsgValueKind.Nil);
    public static readonly MsgValue True = new(MsgValueKind.Bool, bits: 1);
    public static readonly MsgValue False = new(MsgValueKind.Bool);

    /// <summary>The empty string, array, map and binary: decoding never allocates them.</summary>
    public static readonly MsgValue EmptyString = new(MsgValueKind.String, "");
    public static readonly MsgValue EmptyArray = new(MsgValueKind.Array, System.Array.Empty<MsgValue>());
    public static readonly MsgValue EmptyMap = new(MsgValueKind.Map, System.Array.Empty<KeyValuePair<MsgValue, MsgValue>>());
    public static readonly MsgValue EmptyBinary = new(MsgValueKind.Binary, System.Array.Empty<byte>());

    // Every integer msgpack writes in one or two bytes (fixints, int8, uint8) is shared.
    private const int MinSharedInt = -128;
    private const int MaxSharedInt = 255;
    private static readonly MsgValue[] SharedInts = Enumerable.Range(MinSharedInt, MaxSharedInt - MinSharedInt + 1)
        .Select(i => new MsgValue(MsgValueKind.Int, bits: i)).ToArray();
    private static readonly MsgValue[] AsciiChars = Enumerable.Range(0, 128)
        .Select(c => new MsgValue(MsgValueKind.String, ((char)c).ToString())).ToArray();

    private MsgValue(MsgValueKind kind, object? reference = null, long bits = 0, int aux = 0, bool single = false)
    {
        _kind = kind;
        _ref = reference;
        _bits = bits;
        _aux = aux;
        _single = single;
    }

    public MsgValueKind Kind => _kind;
    public bool IsNil => _kind == MsgValueKind.Nil;

    /// <summary>For <see cref="MsgValueKind.Float"/>: whether it was (or will be written as) float32.</summary>
    public bool IsSingle => _single;

    /// <summary>For <see cref="MsgValueKind.Ext"/>: the extension type.</summary>
    public sbyte ExtType => Kind == MsgValueKind.Ext ? (sbyte)_aux : throw Wrong("ext");

    // ---- construction ----
    public static MsgValue FromBool(bool value) => value ? True : False;

    public static MsgValue FromInt64(long value)
        => IsSharedInt(value) ? SharedInts[value - MinSharedInt] : new MsgValue(MsgValueKind.Int, bits: value);

    /// <summary>Whether <see cref="FromInt64"/> returns a shared value (allocates nothing) for this integer.</summary>
    internal static bool IsSharedInt(long value) => value is >= MinSharedInt and <= MaxSharedInt;

    public static MsgValue FromUInt64(ulong value)
        => value <= long.MaxValue ? FromInt64((long)value) : new MsgValue(MsgValueKind.UInt, bits: unchecked((long)value));

    public static MsgValue FromDouble(double value) => new(MsgValueKind.Float, bits: BitConverter.DoubleToInt64Bits(value));
    public static MsgValue FromSingle(float value) => new(MsgValueKind.Float, bits: BitConverter.DoubleToInt64Bits(value), single: true);

    public static MsgValue FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length switch
        {
            0 => EmptyString,
            1 when value[0] < 128 => AsciiChars[value[0]],
            _ => new MsgValue(MsgValueKind.String, value),
        };
    }

    /// <summary>The shared value of a one-character ASCII string (<paramref name="c"/> below 128).</summary>
    internal static MsgValue AsciiChar(byte c) => AsciiChars[c];

    public static MsgValue FromBinary(ReadOnlyMemory<byte> value)
        => value.IsEmpty ? EmptyBinary : WithBytes(MsgValueKind.Binary, value, 0);

    public static MsgValue FromExt(sbyte type, ReadOnlyMemory<byte> data) => WithBytes(MsgValueKind.Ext, data, type);

    public static MsgValue FromTimestamp(DateTimeOffset value)
        => new(MsgValueKind.Timestamp, bits: value.UtcTicks, aux: (int)value.Offset.TotalMinutes);

    /// <summary>An array of the given items (kept, not copied: do not change the list afterwards).</summary>
    public static MsgValue FromArray(IReadOnlyList<MsgValue> items)
        => items.Count == 0 ? EmptyArray : new(MsgValueKind.Array, items);

    /// <summary>A map with string keys, in the given order.</summary>
    public static MsgValue FromMap(IEnumerable<KeyValuePair<string, MsgValue>> entries)
        => FromEntries(entries.Select(e => new KeyValuePair<MsgValue, MsgValue>(FromString(e.Key), e.Value)).ToArray());

    /// <summary>A map with keys of any kind (msgpack allows them; fal's peers only use strings). The list is kept.</summary>
    public static MsgValue FromEntries(IReadOnlyList<KeyValuePair<MsgValue, MsgValue>> entries)
        => entries.Count == 0 ? EmptyMap : new(MsgValueKind.Map, entries);

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

    /// <summary>Keeps a memory as (owner, start, length) instead of a 16-byte <see cref="ReadOnlyMemory{T}"/> field.</summary>
    private static MsgValue WithBytes(MsgValueKind kind, ReadOnlyMemory<byte> memory, int aux)
    {
        object owner;
        int start, length;
        if (MemoryMarshal.TryGetArray(memory, out var segment) && segment.Array is not null)
            (owner, start, length) = (segment.Array, segment.Offset, segment.Count);
        else if (MemoryMarshal.TryGetMemoryManager(memory, out MemoryManager<byte>? manager, out start, out length))
            owner = manager;
        else
            (owner, start, length) = (memory.ToArray(), 0, memory.Length);
        return new MsgValue(kind, owner, ((long)start << 32) | (uint)length, aux);
    }

    private ReadOnlyMemory<byte> Bytes => _ref switch
    {
        byte[] array => new ReadOnlyMemory<byte>(array, (int)(_bits >> 32), (int)_bits),
        MemoryManager<byte> manager => manager.Memory.Slice((int)(_bits >> 32), (int)_bits),
        _ => default,
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
        MsgValueKind.Float => BitConverter.Int64BitsToDouble(_bits),
        MsgValueKind.Int => _bits,
        MsgValueKind.UInt => unchecked((ulong)_bits),
        _ => throw Wrong("number"),
    };

    public string AsString() => Kind == MsgValueKind.String ? (string)_ref! : throw Wrong("string");

    /// <summary>A binary's bytes (or an ext's data).</summary>
    public ReadOnlyMemory<byte> AsBinary() => Kind is MsgValueKind.Binary or MsgValueKind.Ext ? Bytes : throw Wrong("binary");

    public DateTimeOffset AsTimestamp() => Kind == MsgValueKind.Timestamp
        ? new DateTimeOffset(_bits, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(_aux))
        : throw Wrong("timestamp");

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
            case MsgValueKind.Float: return AsDouble().Equals(other.AsDouble());
            case MsgValueKind.String: return (string)_ref! == (string)other._ref!;
            case MsgValueKind.Binary: return Bytes.Span.SequenceEqual(other.Bytes.Span);
            case MsgValueKind.Ext: return _aux == other._aux && Bytes.Span.SequenceEqual(other.Bytes.Span);
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
        MsgValueKind.Float => HashCode.Combine(Kind, AsDouble()),
        MsgValueKind.Binary => HashCode.Combine(Kind, (int)_bits),
        _ => Kind.GetHashCode(),
    };

    /// <summary>JSON text of the value (for logs and test messages).</summary>
    public override string ToString() => JsonMapping.ToJsonString(this);
}
