namespace WebRtcBridge.WebRtc.Media;

/// <summary>Parses VP8 RTP payloads (RFC 7741 §4.2, §4.3). Never throws on bad input: TryParse returns false.</summary>
public static class Vp8Depacketizer
{
    /// <summary>
    /// Parses the payload descriptor. False when the payload is shorter than the descriptor it announces or carries no
    /// VP8 data after it. <see cref="Vp8PayloadDescriptor.PayloadOffset"/> is where the VP8 data starts.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> payload, out Vp8PayloadDescriptor descriptor)
    {
        descriptor = default;
        if (payload.IsEmpty) return false;
        byte b0 = payload[0];
        bool x = (b0 & 0x80) != 0;
        int offset = 1;
        bool i = false, l = false, t = false, k = false, m = false, y = false;
        int pictureId = 0, tid = 0, keyIdx = 0;
        byte tl0 = 0;
        if (x)
        {
            if (payload.Length <= offset) return false;
            byte b1 = payload[offset++];
            i = (b1 & 0x80) != 0;
            l = (b1 & 0x40) != 0;
            t = (b1 & 0x20) != 0;
            k = (b1 & 0x10) != 0;
            if (i)
            {
                if (payload.Length <= offset) return false;
                byte p = payload[offset++];
                m = (p & 0x80) != 0;
                pictureId = p & 0x7F;
                if (m)
                {
                    if (payload.Length <= offset) return false;
                    pictureId = (pictureId << 8) | payload[offset++];
                }
            }
            if (l)
            {
                if (payload.Length <= offset) return false;
                tl0 = payload[offset++];
            }
            if (t || k)
            {
                if (payload.Length <= offset) return false;
                byte b = payload[offset++];
                tid = b >> 6;
                y = (b & 0x20) != 0;
                keyIdx = b & 0x1F;
            }
        }
        if (payload.Length <= offset) return false; // descriptor with no VP8 data
        descriptor = new Vp8PayloadDescriptor
        {
            Extended = x,
            NonReference = (b0 & 0x20) != 0,
            StartOfPartition = (b0 & 0x10) != 0,
            PartitionId = b0 & 0x07,
            HasPictureId = i,
            PictureIdIs15Bit = m,
            PictureId = pictureId,
            HasTl0PicIdx = l,
            Tl0PicIdx = tl0,
            HasTemporalLayerId = t,
            TemporalLayerId = t ? tid : 0,
            LayerSync = t && y,
            HasKeyIdx = k,
            KeyIdx = k ? keyIdx : 0,
            PayloadOffset = offset,
        };
        return true;
    }

    /// <summary>
    /// True when this RTP payload starts a keyframe: S=1, PID=0 and the first VP8 byte has P=0 (RFC 7741 §4.3).
    /// False for anything else, including malformed payloads.
    /// </summary>
    public static bool IsKeyFrame(ReadOnlySpan<byte> payload)
        => TryParse(payload, out var d) && d.IsFrameStart && Vp8FrameHeader.IsKeyFrameStart(payload[d.PayloadOffset..]);

    /// <summary>
    /// Keyframe dimensions from the first packet of a keyframe (RFC 6386 §9.1, needs 10 VP8 bytes). False otherwise.
    /// </summary>
    public static bool TryGetKeyFrameSize(ReadOnlySpan<byte> payload, out int width, out int height)
    {
        width = height = 0;
        if (!TryParse(payload, out var d) || !d.IsFrameStart) return false;
        if (!Vp8FrameHeader.TryParse(payload[d.PayloadOffset..], out var h) || !h.IsKeyFrame) return false;
        width = h.Width;
        height = h.Height;
        return true;
    }
}
