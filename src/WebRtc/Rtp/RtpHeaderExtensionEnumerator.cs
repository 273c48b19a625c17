namespace WebRtcBridge.WebRtc.Rtp;

/// <summary>
/// Walks header extension elements (RFC 8285): one-byte form under profile 0xBEDE (§4.2: ID 4 bits, len−1 4 bits,
/// ID 0 = padding, ID 15 = stop) or two-byte form under 0x100x (§4.3: ID byte, length byte). Stops at the first
/// malformed element; never throws. Other profiles yield nothing.
/// </summary>
public ref struct RtpHeaderExtensionEnumerator
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly bool _oneByte;
    private readonly bool _twoByte;
    private int _offset;

    internal RtpHeaderExtensionEnumerator(ushort profile, ReadOnlySpan<byte> data)
    {
        _data = data;
        _oneByte = profile == RtpPacketReader.OneByteExtensionProfile;
        _twoByte = (profile & 0xFFF0) == 0x1000;
        _offset = 0;
        Id = 0;
        Value = default;
    }

    /// <summary>Element id of the current element.</summary>
    public int Id { get; private set; }

    /// <summary>Element data of the current element.</summary>
    public ReadOnlySpan<byte> Value { get; private set; }

    /// <summary>Advances to the next element; false at the end or on a malformed element.</summary>
    public bool MoveNext()
    {
        while (_offset < _data.Length)
        {
            byte b = _data[_offset];
            if (b == 0) { _offset++; continue; } // padding
            int id, length, start;
            if (_oneByte)
            {
                id = b >> 4;
                if (id == 15) break; // reserved: stop processing (RFC 8285 §4.2)
                length = (b & 0x0F) + 1;
                start = _offset + 1;
            }
            else if (_twoByte)
            {
                if (_offset + 2 > _data.Length) break;
                id = b;
                length = _data[_offset + 1];
                start = _offset + 2;
            }
            else break;
            if (start + length > _data.Length) break;
            Id = id;
            Value = _data.Slice(start, length);
            _offset = start + length;
            return true;
        }
        _offset = _data.Length;
        return false;
    }

    /// <summary>Supports foreach.</summary>
    public RtpHeaderExtensionEnumerator GetEnumerator() => this;

    /// <summary>The current element (for foreach).</summary>
    public RtpHeaderExtension Current => new(Id, Value);
}

/// <summary>One header extension element: its id and data.</summary>
public readonly ref struct RtpHeaderExtension
{
    /// <summary>Creates an element view.</summary>
    public RtpHeaderExtension(int id, ReadOnlySpan<byte> value) { Id = id; Value = value; }

    /// <summary>Element id (1..14 in the one-byte form).</summary>
    public int Id { get; }

    /// <summary>Element data.</summary>
    public ReadOnlySpan<byte> Value { get; }
}
