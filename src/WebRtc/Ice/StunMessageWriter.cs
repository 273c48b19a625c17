using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace WebRtcBridge.WebRtc.Ice;

/// <summary>
/// Builds one STUN message into a caller buffer without allocating (RFC 8489 §5, §14). Add attributes in order,
/// then <see cref="AddMessageIntegrity"/> and <see cref="AddFingerprint"/> last; <see cref="Length"/> is the
/// number of bytes written. The header length field is kept current after every call. Running out of buffer
/// is a programming error and throws <see cref="InvalidOperationException"/>.
/// </summary>
public ref struct StunMessageWriter
{
    private readonly Span<byte> _buffer;
    private int _pos;

    /// <summary>Byte used for attribute padding (0 per RFC 8489; RFC 5769 vectors use 0x20).</summary>
    public byte PaddingByte { get; set; }

    /// <summary>Bytes written so far (the full message length).</summary>
    public readonly int Length => _pos;

    /// <summary>Starts a message of <paramref name="messageType"/> with the given 12-byte transaction id.</summary>
    public StunMessageWriter(Span<byte> buffer, ushort messageType, ReadOnlySpan<byte> transactionId)
    {
        if (buffer.Length < StunConstants.HeaderLength) throw new InvalidOperationException("STUN buffer too small");
        if (transactionId.Length != StunConstants.TransactionIdLength) throw new ArgumentException("transaction id must be 12 bytes", nameof(transactionId));
        _buffer = buffer;
        BinaryPrimitives.WriteUInt16BigEndian(buffer, messageType);
        BinaryPrimitives.WriteUInt16BigEndian(buffer.Slice(2), 0);
        BinaryPrimitives.WriteUInt32BigEndian(buffer.Slice(4), StunConstants.MagicCookie);
        transactionId.CopyTo(buffer.Slice(8));
        _pos = StunConstants.HeaderLength;
        PaddingByte = 0;
    }

    // Reserves an attribute header plus padded value; returns the value span.
    private Span<byte> Begin(ushort type, int valueLength)
    {
        int padded = (valueLength + 3) & ~3;
        if (_pos + 4 + padded > _buffer.Length || _pos + 4 + padded - StunConstants.HeaderLength > ushort.MaxValue)
            throw new InvalidOperationException("STUN buffer too small");
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(_pos), type);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(_pos + 2), (ushort)valueLength);
        var value = _buffer.Slice(_pos + 4, valueLength);
        _buffer.Slice(_pos + 4 + valueLength, padded - valueLength).Fill(PaddingByte);
        _pos += 4 + padded;
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(2), (ushort)(_pos - StunConstants.HeaderLength));
        return value;
    }

    /// <summary>Adds an attribute with a raw value.</summary>
    public void AddAttribute(ushort type, scoped ReadOnlySpan<byte> value) => value.CopyTo(Begin(type, value.Length));

    /// <summary>Adds a zero-length attribute such as USE-CANDIDATE.</summary>
    public void AddFlag(ushort type) => Begin(type, 0);

    /// <summary>Adds a 32-bit attribute such as PRIORITY.</summary>
    public void AddUInt32(ushort type, uint value) => BinaryPrimitives.WriteUInt32BigEndian(Begin(type, 4), value);

    /// <summary>Adds a 64-bit attribute such as ICE-CONTROLLING.</summary>
    public void AddUInt64(ushort type, ulong value) => BinaryPrimitives.WriteUInt64BigEndian(Begin(type, 8), value);

    /// <summary>Adds a UTF-8 text attribute (USERNAME, SOFTWARE).</summary>
    public void AddText(ushort type, scoped ReadOnlySpan<char> text)
    {
        int n = Encoding.UTF8.GetByteCount(text);
        Encoding.UTF8.GetBytes(text, Begin(type, n));
    }

    /// <summary>Adds XOR-MAPPED-ADDRESS for an IPv4 or IPv6 end point (RFC 8489 §14.2).</summary>
    public void AddXorMappedAddress(IPEndPoint endPoint)
    {
        var address = endPoint.Address;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        bool v4 = address.AddressFamily == AddressFamily.InterNetwork;
        int len = v4 ? 4 : 16;
        var value = Begin(StunAttributeType.XorMappedAddress, 4 + len);
        value[0] = 0;
        value[1] = (byte)(v4 ? 1 : 2);
        BinaryPrimitives.WriteUInt16BigEndian(value.Slice(2), (ushort)(endPoint.Port ^ (int)(StunConstants.MagicCookie >> 16)));
        if (!address.TryWriteBytes(value.Slice(4, len), out _)) throw new InvalidOperationException("address");
        for (int i = 0; i < len; i++)
            value[4 + i] ^= _buffer[4 + i]; // magic cookie, then the transaction id for IPv6
    }

    /// <summary>Adds ERROR-CODE (RFC 8489 §14.8) with a reason phrase.</summary>
    public void AddErrorCode(int code, scoped ReadOnlySpan<char> reason)
    {
        if (code < 300 || code > 699) throw new ArgumentOutOfRangeException(nameof(code));
        int n = Encoding.UTF8.GetByteCount(reason);
        var value = Begin(StunAttributeType.ErrorCode, 4 + n);
        value[0] = 0; value[1] = 0;
        value[2] = (byte)(code / 100);
        value[3] = (byte)(code % 100);
        Encoding.UTF8.GetBytes(reason, value.Slice(4));
    }

    /// <summary>Adds UNKNOWN-ATTRIBUTES listing <paramref name="types"/> (RFC 8489 §14.9).</summary>
    public void AddUnknownAttributes(scoped ReadOnlySpan<ushort> types)
    {
        var value = Begin(StunAttributeType.UnknownAttributes, types.Length * 2);
        for (int i = 0; i < types.Length; i++) BinaryPrimitives.WriteUInt16BigEndian(value.Slice(i * 2), types[i]);
    }

    /// <summary>Adds MESSAGE-INTEGRITY: HMAC-SHA1 keyed with <paramref name="key"/> (RFC 8489 §14.5).</summary>
    public void AddMessageIntegrity(scoped ReadOnlySpan<byte> key)
    {
        int start = _pos;
        var value = Begin(StunAttributeType.MessageIntegrity, StunConstants.MessageIntegrityLength);
        HMACSHA1.HashData(key, _buffer.Slice(0, start), value); // header length already covers MESSAGE-INTEGRITY
    }

    /// <summary>Adds FINGERPRINT; must be the last attribute (RFC 8489 §14.7).</summary>
    public void AddFingerprint()
    {
        int start = _pos;
        var value = Begin(StunAttributeType.Fingerprint, 4);
        BinaryPrimitives.WriteUInt32BigEndian(value, Crc32.Compute(_buffer.Slice(0, start)) ^ StunConstants.FingerprintXor);
    }
}
