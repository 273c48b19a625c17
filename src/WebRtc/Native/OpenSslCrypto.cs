using System.Runtime.InteropServices;

namespace WebRtcBridge.WebRtc.Native;

/// <summary>libcrypto 3.0 exports used by DTLS-SRTP: memory BIOs, DER decoding, digests, the error queue.</summary>
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

    [LibraryImport(NativeLibraries.Crypto)]
    internal static partial CULong ERR_get_error();

    [LibraryImport(NativeLibraries.Crypto)]
    internal static partial void ERR_error_string_n(CULong error, byte* buffer, nuint length);

    [LibraryImport(NativeLibraries.Crypto)]
    internal static partial void ERR_clear_error();

    [LibraryImport(NativeLibraries.Crypto)]
    internal static partial int X509_STORE_CTX_get_error(IntPtr storeCtx);
}
