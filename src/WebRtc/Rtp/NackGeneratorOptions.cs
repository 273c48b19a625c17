namespace WebRtcBridge.WebRtc.Rtp;

/// <summary>Limits of a <see cref="NackGenerator"/>; defaults follow libwebrtc's nack_module (docs/webrtc-stack.md#rtp-and-rtcp-policy).</summary>
public sealed record NackGeneratorOptions
{
    /// <summary>Most missing packets tracked (kMaxNackPackets); overflowing clears the list and asks for a keyframe.</summary>
    public int MaxNackPackets { get; init; } = 1000;

    /// <summary>A missing packet more than this many sequence numbers behind the newest is given up (kMaxPacketAge).</summary>
    public int MaxPacketAge { get; init; } = 10000;

    /// <summary>NACKs per packet before giving up (kMaxNackRetries).</summary>
    public int MaxRetries { get; init; } = 10;

    /// <summary>A packet missing for longer than this is given up; 0 disables the time limit.</summary>
    public long MaxAgeMs { get; init; } = 2000;

    /// <summary>RTT assumed until <see cref="NackGenerator.RttMs"/> is set (kDefaultRttMs).</summary>
    public int DefaultRttMs { get; init; } = 100;

    /// <summary>Defaults.</summary>
    public static NackGeneratorOptions Default { get; } = new();
}
