using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace WebRtcBridge.WebRtc.Ice;

/// <summary>
/// A parsed, non-allocating view of one STUN message over the caller's buffer (RFC 8489 §5, §14).
/// Obtain one with <see cref="TryParse"/>; check MESSAGE-INTEGRITY and FINGERPRINT with
/// <see cref="VerifyMessageIntegrity"/> and <see cref="VerifyFingerprint"/>. Only the first occurrence of each
/// attribute counts; attributes after MESSAGE-INTEGRITY other than FINGERPRINT are ignored (RFC 8489 §14.5).
/// </summary>
public ref struct StunMessage
{
    private ReadOnlySpan<byte> _buffer;
    private int _usernameOffset, _usernameLength;
    private int _integrityOffset;    // offset of the MESSAGE-INTEGRITY attribute header, -1 if absent
    private int _fingerprintOffset;  // offset of the FINGERPRINT attribute header, -1 if absent
    private int _xorMappedOffset, _xorMappedLength;
    private int _errorOffset, _errorLength;

    /// <summary>The whole message (header and attributes).</summary>
    public readonly ReadOnlySpan<byte> Buffer => _buffer;

    /// <summary>The 14-bit message type (method and class), e.g. <see cref="StunMessageType.BindingRequest"/>.</summary>
    public ushort MessageType { get; private set; }

    /// <summary>The 96-bit transaction id.</summary>
    public readonly ReadOnlySpan<byte> TransactionId => _buffer.Slice(8, StunConstants.TransactionIdLength);

    /// <summary>PRIORITY (RFC 8445 §7.1.1), if present.</summary>
    public uint? Priority { get; private set; }

    /// <summary>True when USE-CANDIDATE is present (RFC 8445 §7.1.2).</summary>
    public bool HasUseCandidate { get; private set; }

    /// <summary>ICE-CONTROLLING tie-breaker, if present (RFC 8445 §7.1.3).</summary>
    public ulong? IceControlling { get; private set; }

    /// <summary>ICE-CONTROLLED tie-breaker, if present (RFC 8445 §7.1.3).</summary>
    public ulong? IceControlled { get; private set; }

    /// <summary>True when MESSAGE-INTEGRITY is present.</summary>
    public readonly bool HasMessageIntegrity => _integrityOffset >= 0;

    /// <summary>True when FINGERPRINT is present (it is then the last attribute).</summary>
    public readonly bool HasFingerprint => _fingerprintOffset >= 0;

    /// <summary>True when USERNAME is present.</summary>
    public readonly bool HasUsername => _usernameOffset >= 0;

    /// <summary>The raw USERNAME value (UTF-8), empty when absent.</summary>
    public readonly ReadOnlySpan<byte> UsernameBytes =>
        _usernameOffset >= 0 ? _buffer.Slice(_usernameOffset, _usernameLength) : default;

    /// <summary>The first unknown comprehension-required attribute type (below 0x8000), or 0.</summary>
    public ushort FirstUnknownRequiredAttribute { get; private set; }

    /// <summary>Number of unknown comprehension-required attributes seen.</summary>
    public int UnknownRequiredAttributeCount { get; private set; }

    /// <summary>True for a request (class bits 00).</summary>
    public readonly bool IsRequest => (MessageType & 0x0110) == 0x0000;

    /// <summary>True for a success or error response (class bits 1x).</summary>
    public readonly bool IsResponse => (MessageType & 0x0100) != 0;

    /// <summary>The USERNAME decoded as UTF-8 (allocates), or null.</summary>
    public readonly string? GetUsername() =>
        _usernameOffset >= 0 ? Encoding.UTF8.GetString(_buffer.Slice(_usernameOffset, _usernameLength)) : null;

    /// <summary>The ERROR-CODE number (e.g. 401), or null when absent.</summary>
    public readonly int? ErrorCode
    {
        get
        {
            if (_errorOffset < 0) return null;
            var v = _buffer.Slice(_errorOffset, _errorLength);
            return (v[2] & 0x07) * 100 + v[3];
        }
    }

    /// <summary>The ERROR-CODE reason phrase (allocates), or null.</summary>
    public readonly string? GetErrorReason() =>
        _errorOffset < 0 ? null : Encoding.UTF8.GetString(_buffer.Slice(_errorOffset + 4, _errorLength - 4));

    /// <summary>True when XOR-MAPPED-ADDRESS is present.</summary>
    public readonly bool HasXorMappedAddress => _xorMappedOffset >= 0;

    /// <summary>Decodes XOR-MAPPED-ADDRESS (RFC 8489 §14.2); allocates the result.</summary>
    public readonly bool TryGetXorMappedAddress(out IPEndPoint? endPoint)
    {
        endPoint = null;
        if (_xorMappedOffset < 0) return false;
        var v = _buffer.Slice(_xorMappedOffset, _xorMappedLength);
        int port = BinaryPrimitives.ReadUInt16BigEndian(v.Slice(2)) ^ (int)(StunConstants.MagicCookie >> 16);
        Span<byte> addr = stackalloc byte[16];
        int len = v[1] == 1 ? 4 : 16;
        for (int i = 0; i < len; i++)
            addr[i] = (byte)(v[4 + i] ^ _buffer[4 + i]); // cookie then transaction id (bytes 4..19)
        endPoint = new IPEndPoint(new IPAddress(addr.Slice(0, len)), port);
        return true;
    }

    /// <summary>
    /// Parses <paramref name="datagram"/> as one STUN message. Returns false (never throws) when it is not
    /// a well-formed STUN message: wrong top bits, no magic cookie, length mismatch, truncated or
    /// badly sized known attributes, or anything after FINGERPRINT.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> datagram, out StunMessage message)
    {
        message = default;
        message._usernameOffset = message._integrityOffset = message._fingerprintOffset = -1;
        message._xorMappedOffset = message._errorOffset = -1;
        if (datagram.Length < StunConstants.HeaderLength) return false;
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(datagram);
        if ((type & 0xC000) != 0) return false;                        // RFC 8489 §5: top two bits zero
        int length = BinaryPrimitives.ReadUInt16BigEndian(datagram.Slice(2));
        if ((length & 3) != 0 || StunConstants.HeaderLength + length != datagram.Length) return false;
        if (BinaryPrimitives.ReadUInt32BigEndian(datagram.Slice(4)) != StunConstants.MagicCookie) return false;

        message._buffer = datagram;
        message.MessageType = type;
        int pos = StunConstants.HeaderLength;
        while (pos < datagram.Length)
        {
            if (message._fingerprintOffset >= 0) return false;          // FINGERPRINT must be last (§14.7)
            if (datagram.Length - pos < 4) return false;
            ushort attrType = BinaryPrimitives.ReadUInt16BigEndian(datagram.Slice(pos));
            int attrLen = BinaryPrimitives.ReadUInt16BigEndian(datagram.Slice(pos + 2));
            int valueOffset = pos + 4;
            int padded = (attrLen + 3) & ~3;
            if (padded > datagram.Length - valueOffset) return false;
            var value = datagram.Slice(valueOffset, attrLen);
            bool afterIntegrity = message._integrityOffset >= 0;

            if (attrType == StunAttributeType.Fingerprint)
            {
                if (attrLen != 4) return false;
                message._fingerprintOffset = pos;
            }
            else if (!afterIntegrity && !message.Accept(attrType, attrLen, value, pos, valueOffset))
            {
                return false;
            }
            pos = valueOffset + padded;
        }
        return true;
    }

    // Records one attribute; false when a known attribute is malformed.
    private bool Accept(ushort attrType, int attrLen, ReadOnlySpan<byte> value, int pos, int valueOffset)
    {
        switch (attrType)
        {
            case StunAttributeType.MessageIntegrity:
                if (attrLen != StunConstants.MessageIntegrityLength) return false;
                _integrityOffset = pos;
                return true;
            case StunAttributeType.Username:
                if (attrLen > StunConstants.MaxUsernameLength) return false;
                if (_usernameOffset < 0) { _usernameOffset = valueOffset; _usernameLength = attrLen; }
                return true;
            case StunAttributeType.Priority:
                if (attrLen != 4) return false;
                Priority ??= BinaryPrimitives.ReadUInt32BigEndian(value);
                return true;
            case StunAttributeType.UseCandidate:
                if (attrLen != 0) return false;
                HasUseCandidate = true;
                return true;
            case StunAttributeType.IceControlling:
                if (attrLen != 8) return false;
                IceControlling ??= BinaryPrimitives.ReadUInt64BigEndian(value);
                return true;
            case StunAttributeType.IceControlled:
                if (attrLen != 8) return false;
                IceControlled ??= BinaryPrimitives.ReadUInt64BigEndian(value);
                return true;
            case StunAttributeType.XorMappedAddress:
                if (attrLen < 4) return false;
                if (!(value[1] == 1 && attrLen == 8) && !(value[1] == 2 && attrLen == 20)) return false;
                if (_xorMappedOffset < 0) { _xorMappedOffset = valueOffset; _xorMappedLength = attrLen; }
                return true;
            case StunAttributeType.ErrorCode:
                if (attrLen < 4 || attrLen > 763) return false;
                int cls = value[2] & 0x07;
                if (cls < 3 || cls > 6 || value[3] > 99) return false;
                if (_errorOffset < 0) { _errorOffset = valueOffset; _errorLength = attrLen; }
                return true;
            default:
                if (attrType < StunAttributeType.ComprehensionOptionalStart)
                {
                    if (UnknownRequiredAttributeCount == 0) FirstUnknownRequiredAttribute = attrType;
                    UnknownRequiredAttributeCount++;
                }
                return true; // comprehension-optional (SOFTWARE, GOOG-*, ...) and unknown ones are skipped
        }
    }

    /// <summary>
    /// Checks FINGERPRINT: CRC-32 of the message up to the attribute, XOR 0x5354554E (RFC 8489 §14.7).
    /// False when absent or wrong.
    /// </summary>
    public readonly bool VerifyFingerprint()
    {
        if (_fingerprintOffset < 0) return false;
        uint expected = BinaryPrimitives.ReadUInt32BigEndian(_buffer.Slice(_fingerprintOffset + 4));
        return (Crc32.Compute(_buffer.Slice(0, _fingerprintOffset)) ^ StunConstants.FingerprintXor) == expected;
    }

    /// <summary>
    /// Checks MESSAGE-INTEGRITY (HMAC-SHA1, RFC 8489 §14.5) with the short-term key (the ice-pwd bytes of
    /// the agent that received the request). The header length is taken as if the message ended right after
    /// MESSAGE-INTEGRITY. False when absent or wrong. Does not allocate for messages up to 1 KiB.
    /// </summary>
    public readonly bool VerifyMessageIntegrity(ReadOnlySpan<byte> key)
    {
        if (_integrityOffset < 0) return false;
        int prefix = _integrityOffset;
        byte[]? rented = null;
        Span<byte> copy = prefix <= 1024 ? stackalloc byte[prefix] : (rented = ArrayPool<byte>.Shared.Rent(prefix)).AsSpan(0, prefix);
        try
        {
            _buffer.Slice(0, prefix).CopyTo(copy);
            BinaryPrimitives.WriteUInt16BigEndian(copy.Slice(2), (ushort)(prefix - StunConstants.HeaderLength + 24));
            Span<byte> mac = stackalloc byte[StunConstants.MessageIntegrityLength];
            HMACSHA1.HashData(key, copy, mac);
            return CryptographicOperations.FixedTimeEquals(mac, _buffer.Slice(_integrityOffset + 4, StunConstants.MessageIntegrityLength));
        }
        finally
        {
            if (rented != null) ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
