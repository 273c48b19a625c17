namespace WebRtcBridge.WebRtc.Srtp;

/// <summary>
/// The cryptographic half of a profile: encrypts and authenticates one packet whose index is already known.
/// <see cref="SrtpContext"/> does the parsing, index estimation, replay checks and counting.
/// </summary>
internal abstract class SrtpTransform : IDisposable
{
    /// <summary>Bytes appended to an SRTP packet.</summary>
    public abstract int RtpTagLength { get; }

    /// <summary>Bytes appended to an SRTCP packet (E|index plus tag).</summary>
    public abstract int RtcpTrailerLength { get; }

    /// <summary>Offset of E|index counted back from the end of an SRTCP packet.</summary>
    public abstract int SrtcpIndexOffsetFromEnd { get; }

    /// <summary>Encrypts the payload at [headerLength, length) and appends the tag; returns the new length.</summary>
    public abstract int ProtectRtp(Span<byte> packet, int headerLength, int length, uint ssrc, uint roc, ushort seq);

    /// <summary>Verifies the tag of packet[0..length) and decrypts in place; false on authentication failure.</summary>
    public abstract bool UnprotectRtp(Span<byte> packet, int headerLength, int length, uint ssrc, uint roc, ushort seq);

    /// <summary>Encrypts bytes 8.. of a compound RTCP packet, appends E|index and the tag; returns the new length.</summary>
    public abstract int ProtectRtcp(Span<byte> packet, int length, uint ssrc, uint index);

    /// <summary>Verifies and decrypts an SRTCP packet whose E|index was already read; returns the RTCP length or -1.</summary>
    public abstract int UnprotectRtcp(Span<byte> packet, int length, uint ssrc, uint index, bool encrypted);

    public abstract void Dispose();

    public static SrtpTransform Create(SrtpProtectionProfile profile, SrtpSessionKeys keys) => profile switch
    {
        SrtpProtectionProfile.AesCm128HmacSha1_80 => new AesCmHmacSha1Transform(keys, 10),
        SrtpProtectionProfile.AeadAes128Gcm => new AesGcmTransform(keys),
        _ => throw new ArgumentOutOfRangeException(nameof(profile)),
    };
}
