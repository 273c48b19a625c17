using System.Buffers.Binary;

namespace WebRtcBridge.WebRtc.Srtp;

/// <summary>
/// AEAD_AES_128_GCM for SRTP and SRTCP (RFC 7714), 16-byte tag, over OpenSSL EVP: a forged packet is a false return,
/// never an exception. The cipher contexts are made on first use, so a context that only protects (or only
/// unprotects) holds two of them, not four.
/// </summary>
internal sealed class AesGcmTransform : SrtpTransform
{
    private const int TagLength = OpenSslAesGcm.TagLength;
    private readonly SrtpSessionKeys _keys;
    private readonly byte[] _rtpSalt;
    private readonly byte[] _rtcpSalt;
    private OpenSslAesGcm? _rtpEncrypt, _rtpDecrypt, _rtcpEncrypt, _rtcpDecrypt;

    public AesGcmTransform(SrtpSessionKeys keys)
    {
        _keys = keys;
        _rtpSalt = keys.RtpSalt;
        _rtcpSalt = keys.RtcpSalt;
    }

    private OpenSslAesGcm RtpEncrypt => _rtpEncrypt ??= new OpenSslAesGcm(_keys.RtpEncryptionKey, encrypt: true);
    private OpenSslAesGcm RtpDecrypt => _rtpDecrypt ??= new OpenSslAesGcm(_keys.RtpEncryptionKey, encrypt: false);
    private OpenSslAesGcm RtcpEncrypt => _rtcpEncrypt ??= new OpenSslAesGcm(_keys.RtcpEncryptionKey, encrypt: true);
    private OpenSslAesGcm RtcpDecrypt => _rtcpDecrypt ??= new OpenSslAesGcm(_keys.RtcpEncryptionKey, encrypt: false);

    public override int RtpTagLength => TagLength;
    public override int RtcpTrailerLength => TagLength + 4;
    public override int SrtcpIndexOffsetFromEnd => 4;

    // RFC 7714 §8.1: IV = (00 00 || SSRC || ROC || SEQ) XOR salt.
    private void RtpIv(Span<byte> iv, uint ssrc, uint roc, ushort seq)
    {
        iv[0] = 0; iv[1] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(iv.Slice(2), ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(iv.Slice(6), roc);
        BinaryPrimitives.WriteUInt16BigEndian(iv.Slice(10), seq);
        for (int k = 0; k < 12; k++) iv[k] ^= _rtpSalt[k];
    }

    // RFC 7714 §9.1: IV = (00 00 || SSRC || 00 00 || 0 || SRTCP index(31)) XOR salt.
    private void RtcpIv(Span<byte> iv, uint ssrc, uint index)
    {
        iv[0] = 0; iv[1] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(iv.Slice(2), ssrc);
        iv[6] = 0; iv[7] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(iv.Slice(8), index & 0x7FFF_FFFF);
        for (int k = 0; k < 12; k++) iv[k] ^= _rtcpSalt[k];
    }

    public override int ProtectRtp(Span<byte> packet, int headerLength, int length, uint ssrc, uint roc, ushort seq)
    {
        Span<byte> iv = stackalloc byte[12];
        RtpIv(iv, ssrc, roc, seq);
        Span<byte> payload = packet.Slice(headerLength, length - headerLength);
        RtpEncrypt.Encrypt(iv, payload, packet.Slice(length, TagLength), packet.Slice(0, headerLength)); // AAD = header (§8.2)
        return length + TagLength;
    }

    public override bool UnprotectRtp(Span<byte> packet, int headerLength, int length, uint ssrc, uint roc, ushort seq)
    {
        Span<byte> iv = stackalloc byte[12];
        RtpIv(iv, ssrc, roc, seq);
        int end = length - TagLength;
        Span<byte> payload = packet.Slice(headerLength, end - headerLength);
        return RtpDecrypt.TryDecrypt(iv, payload, packet.Slice(end, TagLength), packet.Slice(0, headerLength));
    }

    public override int ProtectRtcp(Span<byte> packet, int length, uint ssrc, uint index)
    {
        Span<byte> iv = stackalloc byte[12];
        RtcpIv(iv, ssrc, index);
        // RFC 7714 §9: AAD = first 8 bytes || E|index; output = header || ciphertext || tag || E|index.
        Span<byte> aad = stackalloc byte[12];
        packet.Slice(0, 8).CopyTo(aad);
        BinaryPrimitives.WriteUInt32BigEndian(aad.Slice(8), 0x8000_0000u | index);
        Span<byte> body = packet.Slice(8, length - 8);
        RtcpEncrypt.Encrypt(iv, body, packet.Slice(length, TagLength), aad);
        aad.Slice(8, 4).CopyTo(packet.Slice(length + TagLength));
        return length + TagLength + 4;
    }

    public override int UnprotectRtcp(Span<byte> packet, int length, uint ssrc, uint index, bool encrypted)
    {
        Span<byte> iv = stackalloc byte[12];
        RtcpIv(iv, ssrc, index);
        int tagStart = length - 4 - TagLength;
        if (encrypted)
        {
            Span<byte> aad = stackalloc byte[12];
            packet.Slice(0, 8).CopyTo(aad);
            packet.Slice(length - 4, 4).CopyTo(aad.Slice(8));
            Span<byte> body = packet.Slice(8, tagStart - 8);
            return RtcpDecrypt.TryDecrypt(iv, body, packet.Slice(tagStart, TagLength), aad) ? tagStart : -1;
        }
        // RFC 7714 §9.2 (E = 0): AAD = whole RTCP packet || E|index, empty plaintext. Make the AAD contiguous
        // by moving E|index over the start of the tag (the tag is saved first).
        Span<byte> tag = stackalloc byte[TagLength];
        packet.Slice(tagStart, TagLength).CopyTo(tag);
        packet.Slice(length - 4, 4).CopyTo(packet.Slice(tagStart));
        return RtcpDecrypt.TryDecrypt(iv, Span<byte>.Empty, tag, packet.Slice(0, tagStart + 4)) ? tagStart : -1;
    }

    public override void Dispose()
    {
        _rtpEncrypt?.Dispose();
        _rtpDecrypt?.Dispose();
        _rtcpEncrypt?.Dispose();
        _rtcpDecrypt?.Dispose();
    }
}
