using System.Buffers.Binary;

namespace WebRtcBridge.WebRtc.Rtp;

/// <summary>
/// Writes an RTP packet (RFC 3550 §5.1) into a caller's buffer, in order: header, CSRCs, one-byte header extension
/// elements (RFC 8285 §4.2), payload, padding; then <see cref="Complete"/> gives the length. Calls out of order or
/// beyond the buffer throw (this is the send path: those are programming errors, not bad input).
/// </summary>
public ref struct RtpPacketWriter
{
    private readonly Span<byte> _buffer;
    private int _length;
    private int _extensionStart;
    private int _stage; // 0 = CSRCs, 1 = extensions, 2 = payload, 3 = done

    /// <summary>Starts a packet with the fixed header (V = 2).</summary>
    public RtpPacketWriter(Span<byte> buffer, byte payloadType, ushort sequenceNumber, uint timestamp, uint ssrc, bool marker = false)
    {
        if (buffer.Length < 12) throw new ArgumentException("buffer shorter than an RTP header", nameof(buffer));
        if (payloadType > 127) throw new ArgumentOutOfRangeException(nameof(payloadType));
        _buffer = buffer;
        buffer[0] = 0x80;
        buffer[1] = (byte)((marker ? 0x80 : 0) | payloadType);
        BinaryPrimitives.WriteUInt16BigEndian(buffer.Slice(2), sequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(buffer.Slice(4), timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(buffer.Slice(8), ssrc);
        _length = 12;
        _extensionStart = -1;
        _stage = 0;
    }

    /// <summary>Bytes written so far.</summary>
    public readonly int Length => _length;

    /// <summary>Appends a CSRC (at most 15, before anything else).</summary>
    public void AddCsrc(uint csrc)
    {
        if (_stage != 0) throw new InvalidOperationException("CSRCs must come before extensions and payload");
        int cc = _buffer[0] & 0x0F;
        if (cc == 15) throw new InvalidOperationException("at most 15 CSRCs");
        Ensure(4);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.Slice(_length), csrc);
        _length += 4;
        _buffer[0] = (byte)((_buffer[0] & 0xF0) | (cc + 1));
    }

    /// <summary>Appends a one-byte-form extension element: id 1..14, 1..16 bytes of data (RFC 8285 §4.2).</summary>
    public void AddExtension(int id, scoped ReadOnlySpan<byte> data)
    {
        if (_stage > 1) throw new InvalidOperationException("extensions must come before the payload");
        if (id is < 1 or > 14) throw new ArgumentOutOfRangeException(nameof(id), "one-byte extension ids are 1..14");
        if (data.Length is < 1 or > 16) throw new ArgumentOutOfRangeException(nameof(data), "one-byte extension data is 1..16 bytes");
        if (_stage == 0)
        {
            Ensure(4);
            _extensionStart = _length;
            BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(_length), RtpPacketReader.OneByteExtensionProfile);
            _length += 4;
            _buffer[0] |= 0x10;
            _stage = 1;
        }
        Ensure(1 + data.Length);
        _buffer[_length++] = (byte)((id << 4) | (data.Length - 1));
        data.CopyTo(_buffer.Slice(_length));
        _length += data.Length;
    }

    /// <summary>Appends payload bytes.</summary>
    public void WritePayload(scoped ReadOnlySpan<byte> payload)
    {
        payload.CopyTo(Reserve(payload.Length));
    }

    /// <summary>Reserves <paramref name="count"/> payload bytes and returns them to be filled in place.</summary>
    public Span<byte> GetPayloadSpan(int count) => Reserve(count);

    private Span<byte> Reserve(int count)
    {
        if (_stage == 3) throw new InvalidOperationException("packet already completed");
        CloseExtension();
        _stage = 2;
        Ensure(count);
        var span = _buffer.Slice(_length, count);
        _length += count;
        return span;
    }

    /// <summary>Finishes the packet, optionally with <paramref name="padding"/> bytes (1..255) of padding; returns its length.</summary>
    public int Complete(int padding = 0)
    {
        if (_stage == 3) return _length;
        if (padding is < 0 or > 255) throw new ArgumentOutOfRangeException(nameof(padding));
        CloseExtension();
        if (padding > 0)
        {
            Ensure(padding);
            _buffer.Slice(_length, padding - 1).Clear();
            _length += padding;
            _buffer[_length - 1] = (byte)padding;
            _buffer[0] |= 0x20;
        }
        _stage = 3;
        return _length;
    }

    private void CloseExtension()
    {
        if (_stage != 1) return;
        int dataLength = _length - _extensionStart - 4;
        int pad = (4 - (dataLength & 3)) & 3;
        Ensure(pad);
        _buffer.Slice(_length, pad).Clear();
        _length += pad;
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(_extensionStart + 2), (ushort)((dataLength + pad) / 4));
        _stage = 2;
    }

    private readonly void Ensure(int count)
    {
        if (_buffer.Length - _length < count) throw new ArgumentException("RTP buffer too small");
    }
}
