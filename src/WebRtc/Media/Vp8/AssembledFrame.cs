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
