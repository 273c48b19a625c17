namespace WebRtcBridge.WebRtc.Media;

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
