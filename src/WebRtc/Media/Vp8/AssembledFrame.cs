namespace WebRtcBridge.WebRtc.Media;

/// <summary>
/// A complete VP8 frame from <see cref="FrameAssembler"/>: descriptors stripped, payloads concatenated.
/// <see cref="Data"/> is only valid during the <see cref="AssembledFrameHandler"/> call; copy or decode it there.
/// </summary>
public readonly ref struct AssembledFrame
{
    internal AssembledFrame(ReadOnlySpan<byte> data, uint rtpTimestamp, ushort firstSeq, ushort lastSeq, bool isKeyFrame,
        int pictureId, long receiveTimeMs)
    {
        Data = data;
        RtpTimestamp = rtpTimestamp;
        FirstSequenceNumber = firstSeq;
        LastSequenceNumber = lastSeq;
        IsKeyFrame = isKeyFrame;
        PictureId = pictureId;
        ReceiveTimeMs = receiveTimeMs;
    }

    /// <summary>The VP8 frame (input for <see cref="Vp8Decoder.Decode"/>).</summary>
    public ReadOnlySpan<byte> Data { get; }
    /// <summary>RTP timestamp (90 kHz) shared by the frame's packets.</summary>
    public uint RtpTimestamp { get; }
    /// <summary>Sequence number of the first packet (S=1, PID=0).</summary>
    public ushort FirstSequenceNumber { get; }
    /// <summary>Sequence number of the marker packet.</summary>
    public ushort LastSequenceNumber { get; }
    /// <summary>Keyframe (P bit 0 in the first VP8 byte, RFC 7741 §4.3).</summary>
    public bool IsKeyFrame { get; }
    /// <summary>PictureID from the descriptor, or -1 when absent.</summary>
    public int PictureId { get; }
    /// <summary>Arrival time (caller's clock, ms) of the frame's first received packet.</summary>
    public long ReceiveTimeMs { get; }
}

/// <summary>Receives frames from <see cref="FrameAssembler"/>; must not call back into the assembler.</summary>
public delegate void AssembledFrameHandler(in AssembledFrame frame);

/// <summary>What <see cref="FrameAssembler.Insert"/> did with a packet.</summary>
public enum PacketInsertResult
{
    /// <summary>Stored (and possibly completed and emitted a frame).</summary>
    Stored,
    /// <summary>Empty payload (padding): only fills its sequence number.</summary>
    Padding,
    /// <summary>Same sequence number already held.</summary>
    Duplicate,
    /// <summary>Older than the last emitted frame or than the buffer window: dropped.</summary>
    Late,
    /// <summary>Payload descriptor malformed: dropped.</summary>
    Malformed,
    /// <summary>Dropped for capacity (a single frame larger than the byte budget).</summary>
    Dropped,
}

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
