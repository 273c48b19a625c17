namespace WebRtcBridge.WebRtc;

/// <summary>A complete VP8 frame assembled from RTP (raised before, and independently of, decoding).</summary>
/// <param name="Size">VP8 frame size in bytes.</param>
/// <param name="RtpTimestamp">90 kHz RTP timestamp of the frame.</param>
/// <param name="IsKeyFrame">True for a keyframe.</param>
/// <param name="ReceiveTimestamp">Arrival time of the first packet, <see cref="Environment.TickCount64"/> milliseconds.</param>
public readonly record struct EncodedFrameInfo(int Size, uint RtpTimestamp, bool IsKeyFrame, long ReceiveTimestamp);
