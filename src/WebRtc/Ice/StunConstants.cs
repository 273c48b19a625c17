namespace WebRtcBridge.WebRtc.Ice;

/// <summary>STUN message types used by ICE (RFC 8489 §5, §18.2).</summary>
public static class StunMessageType
{
    /// <summary>Binding request.</summary>
    public const ushort BindingRequest = 0x0001;
    /// <summary>Binding success response.</summary>
    public const ushort BindingSuccessResponse = 0x0101;
    /// <summary>Binding error response.</summary>
    public const ushort BindingErrorResponse = 0x0111;
    /// <summary>Binding indication.</summary>
    public const ushort BindingIndication = 0x0011;
}

/// <summary>STUN attribute types (RFC 8489 §18.3, RFC 8445 §16.1).</summary>
public static class StunAttributeType
{
    public const ushort Username = 0x0006;
    public const ushort MessageIntegrity = 0x0008;
    public const ushort ErrorCode = 0x0009;
    public const ushort UnknownAttributes = 0x000A;
    public const ushort XorMappedAddress = 0x0020;
    public const ushort Priority = 0x0024;
    public const ushort UseCandidate = 0x0025;
    public const ushort Software = 0x8022;
    public const ushort Fingerprint = 0x8028;
    public const ushort IceControlled = 0x8029;
    public const ushort IceControlling = 0x802A;

    /// <summary>Attributes at or above this value are comprehension-optional (RFC 8489 §14).</summary>
    public const ushort ComprehensionOptionalStart = 0x8000;
}

/// <summary>STUN/ICE error codes we send or understand (RFC 8489 §14.8, RFC 8445 §7.3.1.1).</summary>
public static class StunErrorCode
{
    public const int BadRequest = 400;
    public const int Unauthorized = 401;
    public const int UnknownAttribute = 420;
    public const int RoleConflict = 487;
}

/// <summary>Fixed STUN numbers (RFC 8489 §5, §14.5, §14.7).</summary>
public static class StunConstants
{
    /// <summary>The magic cookie, 0x2112A442.</summary>
    public const uint MagicCookie = 0x2112A442;
    /// <summary>Header size in bytes.</summary>
    public const int HeaderLength = 20;
    /// <summary>Transaction id size in bytes.</summary>
    public const int TransactionIdLength = 12;
    /// <summary>HMAC-SHA1 length of MESSAGE-INTEGRITY.</summary>
    public const int MessageIntegrityLength = 20;
    /// <summary>The value XORed into the CRC-32 of FINGERPRINT ("STUN").</summary>
    public const uint FingerprintXor = 0x5354554E;
    /// <summary>Maximum USERNAME length in bytes (RFC 8489 §14.3).</summary>
    public const int MaxUsernameLength = 513;
}
