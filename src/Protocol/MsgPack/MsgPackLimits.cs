namespace WebRtcBridge.Protocol.MsgPack;

/// <summary>
/// Limits checked while decoding msgpack or JSON, before anything is allocated for what they refuse.
/// <para>
/// Memory bounded by the wire: with shared values for nil, bools, small integers, empty and one-ASCII-character
/// strings and empty containers (<see cref="MsgValue"/>), decoding allocates at most
/// <see cref="MaxBytesPerWireByteMsgPack"/> bytes per msgpack input byte and <see cref="MaxBytesPerWireByteJson"/> per
/// JSON input byte, whatever the message's shape, and at most <see cref="MaxElements"/> values in all. The worst
/// shape is an array of one-element arrays (<c>[[0],[0],…]</c>: a 40-byte value plus a 32-byte one-slot array and
/// the slot holding it, 80 bytes per 2 msgpack bytes or 4 JSON bytes); a flat array of one-byte values costs 8
/// bytes (its slot) per byte. Proven by the allocation tests in <c>tests/Protocol.Tests/MsgPack/DecodeAllocationTests.cs</c>.
/// </para>
/// </summary>
public sealed record MsgPackLimits
{
    public static readonly MsgPackLimits Default = new();

    /// <summary>Worst-case bytes allocated per msgpack wire byte while decoding (arrays of one-element arrays).</summary>
    public const int MaxBytesPerWireByteMsgPack = 40;

    /// <summary>Worst-case bytes allocated per JSON wire byte while decoding (arrays of one-element arrays).</summary>
    public const int MaxBytesPerWireByteJson = 20;

    /// <summary>Default of <see cref="MaxElements"/>.</summary>
    public const int DefaultMaxElements = 1_000_000;

    /// <summary>Deepest nesting of arrays and maps.</summary>
    public int MaxDepth { get; init; } = 64;

    /// <summary>Largest message accepted, in bytes (default 16 MiB).</summary>
    public int MaxMessageSize { get; init; } = 16 * 1024 * 1024;

    /// <summary>
    /// Most values in one message: every array item, map key and map value counts one (the root does not). A msgpack
    /// container's declared count is charged before its items are allocated, so a header declaring 16 million items
    /// is refused at once; JSON values are charged as they are read.
    /// </summary>
    public int MaxElements { get; init; } = DefaultMaxElements;
}
