namespace WebRtcBridge.WebRtc.Media;

/// <summary>Bounds and timing of a <see cref="FrameAssembler"/>.</summary>
public sealed record FrameAssemblerOptions
{
    /// <summary>Packet slots (a power of two, 64..32768); a packet evicts the one 'capacity' sequence numbers older.</summary>
    public int PacketCapacity { get; init; } = 1024;
    /// <summary>Frames (distinct RTP timestamps) held at most; the oldest is dropped beyond that.</summary>
    public int MaxFrames { get; init; } = 32;
    /// <summary>Payload bytes held at most; the oldest frames are dropped beyond that.</summary>
    public int MaxBytes { get; init; } = 8 * 1024 * 1024;
    /// <summary>How long a complete frame may wait for an older gap to be repaired (NACK) before the gap is given up.</summary>
    public long MaxWaitMs { get; init; } = 200;
    /// <summary>A packet this many sequence numbers behind the last emitted one means the stream restarted: state is reset.</summary>
    public int ResetDistance { get; init; } = 3000;
}
