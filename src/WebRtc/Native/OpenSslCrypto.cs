using System.Runtime.InteropServices;

namespace WebRtcBridge.WebRtc.Native;

/// <summary>libcrypto 3.0 exports used by DTLS-SRTP: memory BIOs, DER decoding, digests, AES-GCM (SRTP), the error queue.</summary>
internal static unsafe partial class OpenSslCrypto
{
    [LibraryImport(NativeLibraries.Crypto)]
    internal static partial IntPtr BIO_s_mem();

    /// <summary>A raw BIO: it is handed to <c>SSL_set_bio</c> right away, which takes ownership.</summary>
    [LibraryImport(NativeLibraries.Crypto)]
    internal static partial IntPtr BIO_new(IntPtr method);

    [LibraryImport(NativeLibraries.Crypto)]
    internal static partial int BIO_free(IntPtr bio);

    [LibraryImport(NativeLibraries.Crypto)]
    internal static partial int BIO_write(IntPtr bio, byte* data, int length);

    [LibraryImport(NativeLibraries.Crypto)]
    internal static partial int BIO_read(IntPtr bio, byte* data, int length);

    [LibraryImport(NativeLibraries.Crypto)]
    internal static partial CLong BIO_ctrl(IntPtr bio, int cmd, CLong larg, IntPtr parg);

    [LibraryImport(NativeLibraries.Crypto)]
    internal static partial nuint BIO_ctrl_pending(IntPtr bio);

    [LibraryImport(NativeLibraries.Crypto)]
    internal static partial X509Handle d2i_X509(IntPtr reuse, byte** data, CLong length);

    /// <summary>Accepts PKCS#8 PrivateKeyInfo DER (what .NET's <c>ExportPkcs8PrivateKey</c> gives).</summary>
    [LibraryImport(NativeLibraries.Crypto)]
    internal static partial EvpPkeyHandle d2i_AutoPrivateKey(IntPtr reuse, byte** data, CLong length);

    [LibraryImport(NativeLibraries.Crypto)]
    internal static partial void X509_free(IntPtr x509);

    [LibraryImport(NativeLibraries.Crypto)]
    internal static partial void EVP_PKEY_free(IntPtr pkey);

    [LibraryImport(NativeLibraries.Crypto)]
    internal static partial int X509_digest(X509Handle x509, IntPtr md, byte* output, uint* length);

    [LibraryImport(NativeLibraries.Crypto)]
    internal static partial IntPtr EVP_sha1();

    [LibraryImport(NativeLibraries.Crypto)]
    internal static partial IntPtr EVP_sha256();

    [LibraryImport(NativeLibraries.Crypto)]
    internal static partial IntPtr EVP_sha384();

    [LibraryImport(NativeLibraries.Crypto)]
    internal static partial IntPtr EVP_sha512();

    // ---- EVP AES-GCM (SRTP AEAD_AES_128_GCM, RFC 7714): authentication failure is a return value, not an exception ----

    internal const int EVP_CTRL_GCM_SET_IVLEN = 0x9;
    internal const int EVP_CTRL_GCM_GET_TAG = 0x10;
    internal const int EVP_CTRL_GCM_SET_TAG = 0x11;

    [LibraryImport(NativeLibraries.Crypto)]
    internal static partial EvpCipherCtxHandle EVP_CIPHER_CTX_new();

    [LibraryImport(NativeLibraries.Crypto)]
    internal static partial void EVP_CIPHER_CTX_free(IntPtr ctx);

    [LibraryImport(NativeLibraries.Crypto)]
    internal static partial IntPtr EVP_aes_128_gcm();

    [LibraryImport(NativeLibraries.Crypto)]
    internal static partial IntPtr EVP_aes_256_gcm();

    /// <summary><paramref name="enc"/>: 1 encrypt, 0 decrypt, -1 unchanged. Null cipher/key/iv keep the current ones.</summary>
    [LibraryImport(NativeLibraries.Crypto)]
    internal static partial int EVP_CipherInit_ex(EvpCipherCtxHandle ctx, IntPtr cipher, IntPtr engine, byte* key, byte* iv, int enc);

    /// <summary>With <paramref name="output"/> null, <paramref name="input"/> is additional authenticated data.</summary>
    [LibraryImport(NativeLibraries.Crypto)]
    internal static partial int EVP_CipherUpdate(EvpCipherCtxHandle ctx, byte* output, int* outputLength, byte* input, int inputLength);

    /// <summary>Decrypting: returns 1 only when the tag set with EVP_CTRL_GCM_SET_TAG verifies.</summary>
    [LibraryImport(NativeLibraries.Crypto)]
    internal static partial int EVP_CipherFinal_ex(EvpCipherCtxHandle ctx, byte* output, int* outputLength);

    [LibraryImport(NativeLibraries.Crypto)]
    internal static partial int EVP_CIPHER_CTX_ctrl(EvpCipherCtxHandle ctx, int type, int arg, void* ptr);

    [LibraryImport(NativeLibraries.Crypto)]
    internal static partial CULong ERR_get_error();

    [LibraryImport(NativeLibraries.Crypto)]
    internal static partial void ERR_error_string_n(CULong error, byte* buffer, nuint length);

    [LibraryImport(NativeLibraries.Crypto)]
    internal static partial void ERR_clear_error();

    [LibraryImport(NativeLibraries.Crypto)]
    internal static partial int X509_STORE_CTX_get_error(IntPtr storeCtx);
}
