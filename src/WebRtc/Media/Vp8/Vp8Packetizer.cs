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

/// <summary>Cursor over the RTP payloads of one frame (from <see cref="Vp8Packetizer.Packetize"/>).</summary>
public ref struct Vp8FramePayloads
{
    private readonly ReadOnlySpan<byte> _frame;
    private int _offset;
    private int _index;

    internal Vp8FramePayloads(ReadOnlySpan<byte> frame, int pictureId, int packetCount)
    {
        _frame = frame;
        PictureId = pictureId;
        PacketCount = packetCount;
    }

    /// <summary>The 15-bit PictureID of this frame.</summary>
    public int PictureId { get; }
    /// <summary>Number of payloads for this frame.</summary>
    public int PacketCount { get; }
    /// <summary>Payloads written so far.</summary>
    public readonly int PacketsWritten => _index;

    /// <summary>
    /// Writes the next payload (descriptor + VP8 bytes) into <paramref name="destination"/> (needs room for
    /// <see cref="Vp8Packetizer.MaxPayloadSize"/> or at least this packet). <paramref name="isLast"/> = set the RTP
    /// marker bit. False when all payloads have been written.
    /// </summary>
    public bool TryWriteNext(Span<byte> destination, out int written, out bool isLast)
    {
        written = 0;
        isLast = false;
        if (_index >= PacketCount) return false;
        // Even split: the first (len % count) packets carry one extra byte.
        int baseSize = _frame.Length / PacketCount, extra = _frame.Length % PacketCount;
        int size = baseSize + (_index < extra ? 1 : 0);
        int total = Vp8PayloadDescriptor.PictureIdDescriptorSize + size;
        if (destination.Length < total) throw new ArgumentException("Destination too small for the payload.", nameof(destination));
        Vp8PayloadDescriptor.WritePictureIdDescriptor(destination, _index == 0, PictureId);
        _frame.Slice(_offset, size).CopyTo(destination[Vp8PayloadDescriptor.PictureIdDescriptorSize..]);
        _offset += size;
        _index++;
        written = total;
        isLast = _index == PacketCount;
        return true;
    }
}
