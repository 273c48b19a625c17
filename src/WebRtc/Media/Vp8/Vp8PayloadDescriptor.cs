namespace WebRtcBridge.WebRtc.Media;

/// <summary>
/// The VP8 payload descriptor (RFC 7741 §4.2) at the start of every VP8 RTP payload:
/// <code>
///  X R N S R PID(3)                  mandatory first octet
///  I L T K RSV(4)                    if X
///  M PictureID(7) [PictureID(8)]     if I (M=1: 15-bit PictureID)
///  TL0PICIDX(8)                      if L
///  TID(2) Y(1) KEYIDX(5)             if T or K
/// </code>
/// </summary>
public readonly record struct Vp8PayloadDescriptor
{
    /// <summary>X: the extension octet is present.</summary>
    public bool Extended { get; init; }
    /// <summary>N: non-reference frame (can be dropped without breaking decoding).</summary>
    public bool NonReference { get; init; }
    /// <summary>S: first packet of a VP8 partition.</summary>
    public bool StartOfPartition { get; init; }
    /// <summary>PID: partition index (0..7).</summary>
    public int PartitionId { get; init; }
    /// <summary>I: <see cref="PictureId"/> present.</summary>
    public bool HasPictureId { get; init; }
    /// <summary>M: the PictureID is 15 bits (else 7).</summary>
    public bool PictureIdIs15Bit { get; init; }
    /// <summary>PictureID (7 or 15 bits).</summary>
    public int PictureId { get; init; }
    /// <summary>L: <see cref="Tl0PicIdx"/> present.</summary>
    public bool HasTl0PicIdx { get; init; }
    /// <summary>TL0PICIDX.</summary>
    public byte Tl0PicIdx { get; init; }
    /// <summary>T: <see cref="TemporalLayerId"/> (and <see cref="LayerSync"/>) present.</summary>
    public bool HasTemporalLayerId { get; init; }
    /// <summary>TID (0..3).</summary>
    public int TemporalLayerId { get; init; }
    /// <summary>Y: layer sync bit.</summary>
    public bool LayerSync { get; init; }
    /// <summary>K: <see cref="KeyIdx"/> present.</summary>
    public bool HasKeyIdx { get; init; }
    /// <summary>KEYIDX (0..31).</summary>
    public int KeyIdx { get; init; }
    /// <summary>Descriptor length in bytes = offset of the VP8 payload within the RTP payload.</summary>
    public int PayloadOffset { get; init; }

    /// <summary>S=1 and PID=0: the first packet of a frame (RFC 7741 §4.2).</summary>
    public bool IsFrameStart => StartOfPartition && PartitionId == 0;

    /// <summary>Length of the descriptor <see cref="WritePictureIdDescriptor"/> produces for the libwebrtc style (X, I, M: 4 bytes).</summary>
    public const int PictureIdDescriptorSize = 4;

    /// <summary>
    /// Writes the 4-byte libwebrtc-style descriptor: X=1, S as given, PID=0, I=1, M=1, 15-bit
    /// <paramref name="pictureId"/> (docs/webrtc-stack.md#vp8-payload). Returns the bytes written.
    /// </summary>
    public static int WritePictureIdDescriptor(Span<byte> destination, bool start, int pictureId)
    {
        destination[3] = (byte)pictureId;
        destination[0] = (byte)(start ? 0x90 : 0x80);
        destination[1] = 0x80;
        destination[2] = (byte)(0x80 | ((pictureId >> 8) & 0x7F));
        return PictureIdDescriptorSize;
    }
}
