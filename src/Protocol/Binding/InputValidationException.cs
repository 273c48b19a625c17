namespace WebRtcBridge.Protocol.Binding;

/// <summary>
/// An input that decoded but cannot be used: a missing field, a wrong type, a value out of range. The session
/// answers with an <c>x-fal-error</c> frame naming <see cref="Field"/> and stays usable.
/// </summary>
public sealed class InputValidationException(string field, string message)
    : Exception($"{field}: {message}")
{
    /// <summary>The offending field, dotted for nested ones (<c>images[0].content</c>).</summary>
    public string Field { get; } = field;

    /// <summary>What is wrong with it, without the field name.</summary>
    public string Problem { get; } = message;
}
