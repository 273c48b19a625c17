using System.Collections.Concurrent;
using System.Reflection;
using WebRtcBridge.Protocol.MsgPack;

namespace WebRtcBridge.Protocol.Binding;

/// <summary>How one record type maps to a map: its constructor parameters for reading, its properties for writing.</summary>
internal sealed class RecordShape
{
    private static readonly ConcurrentDictionary<Type, RecordShape> Cache = new();

    private readonly Type _type;
    private readonly ConstructorInfo _constructor;
    private readonly Parameter[] _parameters;
    private readonly Dictionary<string, int> _byName;
    private readonly int _extensionIndex = -1;
    private readonly Property[] _properties;

    private sealed record Parameter(string WireName, Type Type, bool HasDefault, object? Default, bool Optional,
        Func<MsgValue, string, object?> Read);

    private sealed record Property(string WireName, PropertyInfo Info, bool IsExtension, Func<object?, MsgValue> Write);

    public static RecordShape Of(Type type) => Cache.GetOrAdd(type, t => new RecordShape(t));

    private RecordShape(Type type)
    {
        _type = type;
        if (type.IsAbstract || type.IsInterface || type.IsPrimitive)
            throw new NotSupportedException($"{type} cannot be bound to a msgpack map");
        _constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault()
            ?? throw new NotSupportedException($"{type} has no public constructor");
        var nullability = new NullabilityInfoContext();
        var ps = _constructor.GetParameters();
        _parameters = new Parameter[ps.Length];
        _byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < ps.Length; i++)
        {
            var p = ps[i];
            var property = type.GetProperty(p.Name!, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (p.GetCustomAttribute<MsgExtensionDataAttribute>() is not null || property?.GetCustomAttribute<MsgExtensionDataAttribute>() is not null)
            {
                _extensionIndex = i;
                _parameters[i] = new Parameter("", p.ParameterType, p.HasDefaultValue, p.HasDefaultValue ? p.DefaultValue : null, true, (v, _) => v);
                continue;
            }
            var wire = p.GetCustomAttribute<MsgFieldAttribute>()?.Name ?? property?.GetCustomAttribute<MsgFieldAttribute>()?.Name
                ?? NameConvention.ToSnakeCase(p.Name!);
            var optional = p.HasDefaultValue || Nullable.GetUnderlyingType(p.ParameterType) is not null ||
                           (!p.ParameterType.IsValueType && nullability.Create(p).WriteState == NullabilityState.Nullable);
            _parameters[i] = new Parameter(wire, p.ParameterType, p.HasDefaultValue, p.HasDefaultValue ? p.DefaultValue : null,
                optional, ValueConverters.Reader(p.ParameterType));
            _byName[wire] = i;
        }
        _properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
            .Select(p => new Property(
                p.GetCustomAttribute<MsgFieldAttribute>()?.Name ?? NameConvention.ToSnakeCase(p.Name), p,
                p.GetCustomAttribute<MsgExtensionDataAttribute>() is not null ||
                ps.Any(c => c.Name == p.Name && c.GetCustomAttribute<MsgExtensionDataAttribute>() is not null),
                ValueConverters.Writer(p.PropertyType)))
            .ToArray();
    }

    public object? Read(MsgValue value, string path)
    {
        if (value.Kind != MsgValueKind.Map)
            throw new InputValidationException(path.Length == 0 ? "input" : path, $"expected a map, got {value.Kind.ToString().ToLowerInvariant()}");
        var args = new object?[_parameters.Length];
        var seen = new bool[_parameters.Length];
        Dictionary<string, MsgValue>? extra = _extensionIndex >= 0 ? new(StringComparer.Ordinal) : null;
        foreach (var (key, item) in value.AsMapEntries())
        {
            if (_byName.TryGetValue(key, out var index))
            {
                var p = _parameters[index];
                var fieldPath = ValueConverters.Join(path, key);
                args[index] = item.IsNil && p.Optional ? p.Default : p.Read(item, fieldPath);
                seen[index] = true;
            }
            else
            {
                extra?.TryAdd(key, item);
            }
        }
        for (var i = 0; i < _parameters.Length; i++)
        {
            if (i == _extensionIndex)
            {
                args[i] = extra;
                continue;
            }
            if (seen[i]) continue;
            var p = _parameters[i];
            if (!p.Optional) throw new InputValidationException(ValueConverters.Join(path, p.WireName), "field required");
            args[i] = p.HasDefault ? p.Default : null;
        }
        try
        {
            return _constructor.Invoke(args);
        }
        catch (TargetInvocationException e) when (e.InnerException is ArgumentException ae)
        {
            throw new InputValidationException(path.Length == 0 ? (ae.ParamName ?? "input") : path, ae.Message);
        }
    }

    public MsgValue Write(object? record)
    {
        if (record is null) return MsgValue.Nil;
        var entries = new List<KeyValuePair<string, MsgValue>>(_properties.Length);
        foreach (var p in _properties)
        {
            var value = p.Info.GetValue(record);
            if (value is null) continue;
            if (p.IsExtension)
            {
                var map = p.Write(value);
                foreach (var (k, v) in map.AsMapEntries())
                    if (!entries.Exists(e => e.Key == k)) entries.Add(new(k, v));
                continue;
            }
            entries.Add(new(p.WireName, p.Write(value)));
        }
        return MsgValue.FromMap(entries);
    }
}
