using WebRtcBridge.WebRtc.Native;

namespace WebRtcBridge.WebRtc.Srtp;

/// <summary>
/// AES-GCM with a 12-byte IV and 16-byte tag over OpenSSL's EVP interface, one direction per instance, key schedule
/// set once. Unlike <see cref="System.Security.Cryptography.AesGcm"/>, a tag mismatch is a <c>false</c> return rather
/// than an exception: a forged SRTP packet costs one failed check, not a thrown exception on the receive path.
/// Not thread-safe; no allocation per call.
/// </summary>
internal sealed unsafe class OpenSslAesGcm : IDisposable
{
    public const int TagLength = 16;
    public const int IvLength = 12;
    private readonly EvpCipherCtxHandle _ctx;
    private readonly int _enc;

    public OpenSslAesGcm(ReadOnlySpan<byte> key, bool encrypt)
    {
        if (key.Length is not (16 or 32)) throw new ArgumentException("AES-GCM key must be 16 or 32 bytes", nameof(key));
        _enc = encrypt ? 1 : 0;
        _ctx = OpenSslCrypto.EVP_CIPHER_CTX_new();
        if (_ctx.IsInvalid)
        {
            _ctx.Dispose();
            throw new InvalidOperationException(OpenSslErrors.Drain("EVP_CIPHER_CTX_new failed"));
        }
        IntPtr cipher = key.Length == 16 ? OpenSslCrypto.EVP_aes_128_gcm() : OpenSslCrypto.EVP_aes_256_gcm();
        fixed (byte* k = key)
        {
            if (OpenSslCrypto.EVP_CipherInit_ex(_ctx, cipher, IntPtr.Zero, null, null, _enc) != 1
                || OpenSslCrypto.EVP_CIPHER_CTX_ctrl(_ctx, OpenSslCrypto.EVP_CTRL_GCM_SET_IVLEN, IvLength, null) != 1
                || OpenSslCrypto.EVP_CipherInit_ex(_ctx, IntPtr.Zero, IntPtr.Zero, k, null, _enc) != 1)
            {
                _ctx.Dispose();
                throw new InvalidOperationException(OpenSslErrors.Drain("AES-GCM key setup failed"));
            }
        }
    }

    /// <summary>Encrypts <paramref name="data"/> in place and writes the tag (encrypting instance only).</summary>
    public void Encrypt(ReadOnlySpan<byte> iv, Span<byte> data, Span<byte> tag, ReadOnlySpan<byte> aad)
    {
        if (_enc != 1 || iv.Length != IvLength || tag.Length != TagLength) throw new InvalidOperationException("not an encrypting AES-GCM instance, or bad IV/tag size");
        fixed (byte* pIv = iv, pData = data, pTag = tag, pAad = aad)
        {
            int n;
            bool ok = OpenSslCrypto.EVP_CipherInit_ex(_ctx, IntPtr.Zero, IntPtr.Zero, null, pIv, 1) == 1
                      && (aad.IsEmpty || OpenSslCrypto.EVP_CipherUpdate(_ctx, null, &n, pAad, aad.Length) == 1)
                      && (data.IsEmpty || OpenSslCrypto.EVP_CipherUpdate(_ctx, pData, &n, pData, data.Length) == 1)
                      && OpenSslCrypto.EVP_CipherFinal_ex(_ctx, pData + data.Length, &n) == 1
                      && OpenSslCrypto.EVP_CIPHER_CTX_ctrl(_ctx, OpenSslCrypto.EVP_CTRL_GCM_GET_TAG, TagLength, pTag) == 1;
            if (!ok) throw new InvalidOperationException(OpenSslErrors.Drain("AES-GCM encryption failed"));
        }
    }

    /// <summary>
    /// Verifies <paramref name="tag"/> over <paramref name="aad"/> and <paramref name="data"/> and decrypts in place;
    /// false when the tag does not verify (then <paramref name="data"/> holds garbage and must be dropped).
    /// </summary>
    public bool TryDecrypt(ReadOnlySpan<byte> iv, Span<byte> data, ReadOnlySpan<byte> tag, ReadOnlySpan<byte> aad)
    {
        if (_enc != 0 || iv.Length != IvLength || tag.Length != TagLength) throw new InvalidOperationException("not a decrypting AES-GCM instance, or bad IV/tag size");
        fixed (byte* pIv = iv, pData = data, pTag = tag, pAad = aad)
        {
            int n;
            bool ok = OpenSslCrypto.EVP_CipherInit_ex(_ctx, IntPtr.Zero, IntPtr.Zero, null, pIv, 0) == 1
                      && (aad.IsEmpty || OpenSslCrypto.EVP_CipherUpdate(_ctx, null, &n, pAad, aad.Length) == 1)
                      && (data.IsEmpty || OpenSslCrypto.EVP_CipherUpdate(_ctx, pData, &n, pData, data.Length) == 1)
                      && OpenSslCrypto.EVP_CIPHER_CTX_ctrl(_ctx, OpenSslCrypto.EVP_CTRL_GCM_SET_TAG, TagLength, pTag) == 1
                      && OpenSslCrypto.EVP_CipherFinal_ex(_ctx, pData + data.Length, &n) > 0;
            if (!ok) OpenSslCrypto.ERR_clear_error(); // a failed tag leaves nothing we need in the error queue
            return ok;
        }
    }

    public void Dispose() => _ctx.Dispose();
}
