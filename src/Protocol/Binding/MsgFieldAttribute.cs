namespace WebRtcBridge.Protocol.Binding;

/// <summary>The wire name of a record parameter or property; without it the name is snake_cased
/// (<c>RequestId</c> → <c>request_id</c>).</summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property)]
public sealed class MsgFieldAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>Marks an <c>IReadOnlyDictionary&lt;string, MsgValue&gt;</c> parameter that receives every field the record
/// does not name (e.g. a filter's free-form parameters). On output its entries are written as fields.</summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property)]
public sealed class MsgExtensionDataAttribute : Attribute;
