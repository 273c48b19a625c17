namespace WebRtcBridge.Protocol.MsgPack;

/// <summary>Limits checked while decoding, before anything is allocated.</summary>
public sealed record MsgPackLimits
{
    public static readonly MsgPackLimits Default = new();

    /// <summary>Deepest nesting of arrays and maps.</summary>
    public int MaxDepth { get; init; } = 64;

    /// <summary>Largest message accepted, in bytes (default 16 MiB).</summary>
    public int MaxMessageSize { get; init; } = 16 * 1024 * 1024;
}
