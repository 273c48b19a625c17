namespace WebRtcBridge.WebRtc.Media;

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
