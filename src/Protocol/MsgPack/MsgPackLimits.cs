namespace WebRtcBridge.Protocol.MsgPack;

/// <summary>
/// Limits checked while decoding msgpack or JSON, before anything is allocated for what they refuse.
/// <para>
/// Memory bounded by the wire: decoding a message allocates at most <see cref="MaxTreeBytes"/> =
/// <see cref="MaxBytesPerWireByte"/> (32) bytes per input byte + <see cref="TreeSlackBytes"/> (64 KiB), whatever its
/// shape, and at most <see cref="MaxElements"/> values. Nil, bools, integers -128..255, empty and one-ASCII-character
/// strings and empty containers are shared values (no allocation), so a flat array costs its 8-byte slots: 8 bytes per
/// msgpack byte for <c>["", "", …]</c>, nils or small integers, 8/3 per JSON byte. A new value is 40 bytes and an
/// array 24 + 8 per item, so what can cost more than 32 per byte is only nested one-element containers
/// (<c>[[0],[0],…]</c> 40 per msgpack byte, chains <c>[[[…[0]…]]]</c> up to 72; JSON <c>[[[0]]]</c> up to 36): a
/// message of that shape gets past the 64 KiB slack only up to the factor, then is refused (BAD_REQUEST). Every other
/// shape stays below 30 (arrays of one-entry maps, 88 bytes per 3). Measured in
/// <c>tests/Protocol.Tests/MsgPack/DecodeAllocationTests.cs</c>.
/// </para>
/// </summary>
public sealed record MsgPackLimits
{
    public static readonly MsgPackLimits Default = new();

    /// <summary>Most bytes a decode allocates per input byte (msgpack or JSON), beyond <see cref="TreeSlackBytes"/>.</summary>
    public const int MaxBytesPerWireByte = 32;

    /// <summary>What any message may allocate besides <see cref="MaxBytesPerWireByte"/> per input byte.</summary>
    public const int TreeSlackBytes = 64 * 1024;

    /// <summary>The allocation budget of decoding a message of <paramref name="wireBytes"/> bytes.</summary>
    public static long MaxTreeBytes(long wireBytes) => MaxBytesPerWireByte * wireBytes + TreeSlackBytes;

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
