namespace WebRtcBridge.MediaRunner.Apps;

/// <summary>How results are encoded on a realtime endpoint.</summary>
public enum ResultEncoding
{
    /// <summary>Each result in the encoding of the input that produced it: msgpack for binary input frames,
    /// JSON text for text frames. Every fal client decodes both.</summary>
    MatchInput,
    /// <summary>Always binary msgpack, as fal's runtime does.</summary>
    MsgPack,
    /// <summary>Always text JSON.</summary>
    Json,
}

/// <summary>Per-endpoint options, as in fal's <c>@fal.realtime(buffering=, session_timeout=, max_batch_size=)</c>.</summary>
public sealed record RealtimeEndpointOptions
{
    /// <summary>Capacity of the drop-oldest input queue; a client's <c>max_buffering</c> (1..60) overrides it.
    /// Never unbounded.</summary>
    public int Buffering { get; init; } = 2;

    /// <summary>How long to wait for the next input before the TIMEOUT frame and close 1000; null waits forever.</summary>
    public TimeSpan? SessionTimeout { get; init; }

    /// <summary>Unary handlers get up to this many queued inputs at once and produce one output for them.</summary>
    public int MaxBatchSize { get; init; } = 1;

    public ResultEncoding ResultEncoding { get; init; } = ResultEncoding.MatchInput;

    /// <summary>Also send <c>{"type":"x-fal-message","action":"timings","timing":s}</c> after each output.</summary>
    public bool EmitTimings { get; init; }

    public void Validate()
    {
        if (Buffering is < 1 or > 60) throw new ArgumentOutOfRangeException(nameof(Buffering), Buffering, "buffering must be 1..60");
        if (MaxBatchSize < 1) throw new ArgumentOutOfRangeException(nameof(MaxBatchSize), MaxBatchSize, "max batch size must be at least 1");
        if (SessionTimeout is { } t && t <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(SessionTimeout));
    }
}
