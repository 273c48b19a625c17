using System.Buffers.Binary;

namespace WebRtcBridge.WebRtc.Rtp;

/// <summary>
/// A validated view of an RTP packet (RFC 3550 §5.1): fixed header, CSRCs, header extension (RFC 8285) and padding.
/// Create with <see cref="TryParse"/>, which returns false for anything malformed and never throws.
/// </summary>
public readonly ref struct RtpPacketReader
{
    /// <summary>Profile of the one-byte header extension form (RFC 8285 §4.2).</summary>
    public const ushort OneByteExtensionProfile = 0xBEDE;

    private RtpPacketReader(ReadOnlySpan<byte> packet, int headerLength, int paddingLength, int extensionStart)
    {
        Packet = packet;
        HeaderLength = headerLength;
        PaddingLength = paddingLength;
        _extensionStart = extensionStart;
    }

    private readonly int _extensionStart; // offset of the 4-byte extension header, or -1

    /// <summary>The whole packet.</summary>
    public ReadOnlySpan<byte> Packet { get; }

    /// <summary>Bytes before the payload: 12 + 4·CC (+ 4 + 4·extension length).</summary>
    public int HeaderLength { get; }

    /// <summary>Padding bytes at the end (including the count byte), 0 when P = 0.</summary>
    public int PaddingLength { get; }

    /// <summary>P bit.</summary>
    public bool HasPadding => (Packet[0] & 0x20) != 0;

    /// <summary>X bit.</summary>
    public bool HasExtension => (Packet[0] & 0x10) != 0;

    /// <summary>CC: number of CSRCs.</summary>
    public int CsrcCount => Packet[0] & 0x0F;

    /// <summary>M bit (last packet of a video frame).</summary>
    public bool Marker => (Packet[1] & 0x80) != 0;

    /// <summary>Payload type (7 bits).</summary>
    public byte PayloadType => (byte)(Packet[1] & 0x7F);

    /// <summary>Sequence number.</summary>
    public ushort SequenceNumber => BinaryPrimitives.ReadUInt16BigEndian(Packet.Slice(2));

    /// <summary>RTP timestamp.</summary>
    public uint Timestamp => BinaryPrimitives.ReadUInt32BigEndian(Packet.Slice(4));

    /// <summary>SSRC.</summary>
    public uint Ssrc => BinaryPrimitives.ReadUInt32BigEndian(Packet.Slice(8));

    /// <summary>CSRC number <paramref name="index"/> (0 ≤ index &lt; <see cref="CsrcCount"/>).</summary>
    public uint GetCsrc(int index)
    {
        if ((uint)index >= (uint)CsrcCount) throw new ArgumentOutOfRangeException(nameof(index));
        return BinaryPrimitives.ReadUInt32BigEndian(Packet.Slice(12 + 4 * index));
    }

    /// <summary>The payload, without header and padding.</summary>
    public ReadOnlySpan<byte> Payload => Packet.Slice(HeaderLength, Packet.Length - HeaderLength - PaddingLength);

    /// <summary>The 16-bit "defined by profile" field of the extension (0xBEDE for one-byte elements), 0 without X.</summary>
    public ushort ExtensionProfile => _extensionStart < 0 ? (ushort)0 : BinaryPrimitives.ReadUInt16BigEndian(Packet.Slice(_extensionStart));

    /// <summary>The extension words after the 4-byte extension header (empty without X).</summary>
    public ReadOnlySpan<byte> ExtensionData => _extensionStart < 0
        ? ReadOnlySpan<byte>.Empty
        : Packet.Slice(_extensionStart + 4, HeaderLength - _extensionStart - 4);

    /// <summary>Enumerates header extension elements in one-byte (RFC 8285 §4.2) or two-byte (§4.3) form.</summary>
    public RtpHeaderExtensionEnumerator GetExtensions() => new(ExtensionProfile, ExtensionData);

    /// <summary>Finds extension element <paramref name="id"/>; false if absent or the extension block is malformed.</summary>
    public bool TryGetExtension(int id, out ReadOnlySpan<byte> value)
    {
        var e = GetExtensions();
        while (e.MoveNext())
        {
            if (e.Id == id) { value = e.Value; return true; }
        }
        value = default;
        return false;
    }

    /// <summary>Validates <paramref name="packet"/> as RTP version 2. False (never an exception) when malformed.</summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out RtpPacketReader reader)
    {
        reader = default;
        if (packet.Length < 12 || (packet[0] >> 6) != 2) return false;
        int header = 12 + 4 * (packet[0] & 0x0F);
        int extensionStart = -1;
        if ((packet[0] & 0x10) != 0)
        {
            if (packet.Length < header + 4) return false;
            extensionStart = header;
            header += 4 + 4 * BinaryPrimitives.ReadUInt16BigEndian(packet.Slice(header + 2));
        }
        if (header > packet.Length) return false;
        int padding = 0;
        if ((packet[0] & 0x20) != 0)
        {
            if (packet.Length == header) return false;
            padding = packet[^1];
            // RFC 3550 §5.1: the last octet counts itself, so 0 is invalid.
            if (padding == 0 || padding > packet.Length - header) return false;
        }
        reader = new RtpPacketReader(packet, header, padding, extensionStart);
        return true;
    }
}
