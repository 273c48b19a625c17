using System.Buffers.Binary;
using System.Security.Cryptography;

namespace WebRtcBridge.WebRtc.Srtp;

/// <summary>AES_CM_128_HMAC_SHA1_80 (RFC 3711 §4.1.1 encryption, §4.2 authentication).</summary>
internal sealed class AesCmHmacSha1Transform : SrtpTransform
{
    private const int SrtcpTagLength = 10; // RFC 3711 §3.4: 80 bits for SRTCP even with the _32 profile
    private readonly AesCounterModeCipher _rtpCipher;
    private readonly AesCounterModeCipher _rtcpCipher;
    private readonly IncrementalHash _rtpHmac;
    private readonly IncrementalHash _rtcpHmac;
    private readonly byte[] _rtpSalt;
    private readonly byte[] _rtcpSalt;
    private readonly int _rtpTagLength;

    public AesCmHmacSha1Transform(SrtpSessionKeys keys, int rtpTagLength)
    {
        _rtpCipher = new AesCounterModeCipher(keys.RtpEncryptionKey);
        _rtcpCipher = new AesCounterModeCipher(keys.RtcpEncryptionKey);
        _rtpHmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, keys.RtpAuthenticationKey);
        _rtcpHmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, keys.RtcpAuthenticationKey);
        _rtpSalt = keys.RtpSalt;
        _rtcpSalt = keys.RtcpSalt;
        _rtpTagLength = rtpTagLength;
    }

    public override int RtpTagLength => _rtpTagLength;
    public override int RtcpTrailerLength => 4 + SrtcpTagLength;
    public override int SrtcpIndexOffsetFromEnd => 4 + SrtcpTagLength;

    // RFC 3711 §4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16).
    private static void BuildIv(Span<byte> iv, ReadOnlySpan<byte> salt, uint ssrc, ulong index)
    {
        iv.Clear();
        salt.CopyTo(iv);
        iv[4] ^= (byte)(ssrc >> 24); iv[5] ^= (byte)(ssrc >> 16); iv[6] ^= (byte)(ssrc >> 8); iv[7] ^= (byte)ssrc;
        for (int k = 0; k < 6; k++) iv[8 + k] ^= (byte)(index >> (40 - 8 * k));
    }

    public override int ProtectRtp(Span<byte> packet, int headerLength, int length, uint ssrc, uint roc, ushort seq)
    {
        Span<byte> iv = stackalloc byte[16];
        BuildIv(iv, _rtpSalt, ssrc, ((ulong)roc << 16) | seq);
        _rtpCipher.Transform(iv, packet.Slice(headerLength, length - headerLength));
        Span<byte> mac = stackalloc byte[20];
        RtpMac(packet.Slice(0, length), roc, mac);
        mac.Slice(0, _rtpTagLength).CopyTo(packet.Slice(length));
        return length + _rtpTagLength;
    }

    public override bool UnprotectRtp(Span<byte> packet, int headerLength, int length, uint ssrc, uint roc, ushort seq)
    {
        int authenticated = length - _rtpTagLength;
        Span<byte> mac = stackalloc byte[20];
        RtpMac(packet.Slice(0, authenticated), roc, mac);
        if (!CryptographicOperations.FixedTimeEquals(mac.Slice(0, _rtpTagLength), packet.Slice(authenticated, _rtpTagLength)))
            return false;
        Span<byte> iv = stackalloc byte[16];
        BuildIv(iv, _rtpSalt, ssrc, ((ulong)roc << 16) | seq);
        _rtpCipher.Transform(iv, packet.Slice(headerLength, authenticated - headerLength));
        return true;
    }

    // RFC 3711 §4.2: tag = HMAC-SHA1(k_a, header || payload || ROC).
    private void RtpMac(ReadOnlySpan<byte> authenticated, uint roc, Span<byte> mac)
    {
        Span<byte> rocBytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(rocBytes, roc);
        _rtpHmac.AppendData(authenticated);
        _rtpHmac.AppendData(rocBytes);
        _rtpHmac.GetHashAndReset(mac);
    }

    public override int ProtectRtcp(Span<byte> packet, int length, uint ssrc, uint index)
    {
        Span<byte> iv = stackalloc byte[16];
        BuildIv(iv, _rtcpSalt, ssrc, index);
        _rtcpCipher.Transform(iv, packet.Slice(8, length - 8));
        BinaryPrimitives.WriteUInt32BigEndian(packet.Slice(length), 0x8000_0000u | index); // E = 1
        Span<byte> mac = stackalloc byte[20];
        _rtcpHmac.AppendData(packet.Slice(0, length + 4));
        _rtcpHmac.GetHashAndReset(mac);
        mac.Slice(0, SrtcpTagLength).CopyTo(packet.Slice(length + 4));
        return length + 4 + SrtcpTagLength;
    }

    public override int UnprotectRtcp(Span<byte> packet, int length, uint ssrc, uint index, bool encrypted)
    {
        int authenticated = length - SrtcpTagLength; // header .. E|index
        Span<byte> mac = stackalloc byte[20];
        _rtcpHmac.AppendData(packet.Slice(0, authenticated));
        _rtcpHmac.GetHashAndReset(mac);
        if (!CryptographicOperations.FixedTimeEquals(mac.Slice(0, SrtcpTagLength), packet.Slice(authenticated, SrtcpTagLength)))
            return -1;
        int rtcpLength = authenticated - 4;
        if (encrypted)
        {
            Span<byte> iv = stackalloc byte[16];
            BuildIv(iv, _rtcpSalt, ssrc, index);
            _rtcpCipher.Transform(iv, packet.Slice(8, rtcpLength - 8));
        }
        return rtcpLength;
    }

    public override void Dispose()
    {
        _rtpCipher.Dispose(); _rtcpCipher.Dispose(); _rtpHmac.Dispose(); _rtcpHmac.Dispose();
    }
}
