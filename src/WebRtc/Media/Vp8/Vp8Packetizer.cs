namespace WebRtcBridge.WebRtc.Media;

/// <summary>
/// Splits encoded VP8 frames into RTP payloads (RFC 7741 §4) of at most <see cref="MaxPayloadSize"/> bytes, each with
/// the libwebrtc-style descriptor (X=1, I=1, M=1, 15-bit PictureID, S on the first packet, PID=0). The frame is
/// spread evenly over the fewest packets. Writes into caller buffers; allocates nothing. One sender thread.
/// </summary>
public sealed class Vp8Packetizer
{
    private int _pictureId;

    /// <summary>Creates a packetizer; <paramref name="initialPictureId"/> (masked to 15 bits) is used for the first frame.</summary>
    public Vp8Packetizer(int maxPayloadSize = 1100, int initialPictureId = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPayloadSize, Vp8PayloadDescriptor.PictureIdDescriptorSize + 1);
        MaxPayloadSize = maxPayloadSize;
        _pictureId = initialPictureId & 0x7FFF;
    }

    /// <summary>Maximum RTP payload size (descriptor included): the MTU minus IP/UDP/RTP/SRTP overhead.</summary>
    public int MaxPayloadSize { get; }

    /// <summary>PictureID the next frame gets.</summary>
    public int NextPictureId => _pictureId;

    /// <summary>Frames packetized so far.</summary>
    public long FramesPacketized { get; private set; }

    /// <summary>Number of payloads a frame of <paramref name="frameLength"/> bytes needs.</summary>
    public int PacketCount(int frameLength)
    {
        int room = MaxPayloadSize - Vp8PayloadDescriptor.PictureIdDescriptorSize;
        return Math.Max(1, (frameLength + room - 1) / room);
    }

    /// <summary>
    /// Starts packetizing <paramref name="frame"/>: assigns the next PictureID (wrapping at 0x7FFF) and returns a cursor
    /// that writes the payloads one by one with <see cref="Vp8FramePayloads.TryWriteNext"/>.
    /// </summary>
    public Vp8FramePayloads Packetize(ReadOnlySpan<byte> frame)
    {
        if (frame.IsEmpty) throw new ArgumentException("Empty VP8 frame.", nameof(frame));
        int pid = _pictureId;
        _pictureId = (_pictureId + 1) & 0x7FFF;
        FramesPacketized++;
        return new Vp8FramePayloads(frame, pid, PacketCount(frame.Length));
    }
}
