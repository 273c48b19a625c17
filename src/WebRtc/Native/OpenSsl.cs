using System.Runtime.InteropServices;

namespace WebRtcBridge.WebRtc.Native;

/// <summary>
/// libssl 3.0 exports used by DTLS-SRTP (docs/webrtc-stack.md#dtls-srtp-over-openssl). Only exported functions are declared here:
/// macros such as <c>SSL_set_mtu</c> or <c>DTLSv1_get_timeout</c> go through <see cref="SSL_ctrl"/> with the command
/// numbers in <see cref="OpenSslConstants"/>. C <c>long</c> is <see cref="CLong"/> so the layout is right on LP64 and LLP64.
/// </summary>
internal static unsafe partial class OpenSsl
{
    [LibraryImport(NativeLibraries.Ssl)]
    internal static partial int OPENSSL_init_ssl(ulong opts, IntPtr settings);

    [LibraryImport(NativeLibraries.Ssl)]
    internal static partial IntPtr DTLS_method();

    [LibraryImport(NativeLibraries.Ssl)]
    internal static partial SslCtxHandle SSL_CTX_new(IntPtr method);

    [LibraryImport(NativeLibraries.Ssl)]
    internal static partial void SSL_CTX_free(IntPtr ctx);

    [LibraryImport(NativeLibraries.Ssl)]
    internal static partial int SSL_CTX_use_certificate(SslCtxHandle ctx, X509Handle x509);

    [LibraryImport(NativeLibraries.Ssl)]
    internal static partial int SSL_CTX_use_PrivateKey(SslCtxHandle ctx, EvpPkeyHandle pkey);

    [LibraryImport(NativeLibraries.Ssl)]
    internal static partial int SSL_CTX_check_private_key(SslCtxHandle ctx);

    /// <summary>Exported in 3.0 (a macro in 1.0.x); takes and returns <c>uint64_t</c>.</summary>
    [LibraryImport(NativeLibraries.Ssl)]
    internal static partial ulong SSL_CTX_set_options(SslCtxHandle ctx, ulong options);

    [LibraryImport(NativeLibraries.Ssl)]
    internal static partial CLong SSL_CTX_ctrl(SslCtxHandle ctx, int cmd, CLong larg, IntPtr parg);

    [LibraryImport(NativeLibraries.Ssl)]
    internal static partial void SSL_CTX_set_verify_depth(SslCtxHandle ctx, int depth);

    [LibraryImport(NativeLibraries.Ssl)]
    internal static partial void SSL_CTX_set_verify(
        SslCtxHandle ctx, int mode, delegate* unmanaged[Cdecl]<int, IntPtr, int> callback);

    /// <summary>Returns 1 on success.</summary>
    [LibraryImport(NativeLibraries.Ssl, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int SSL_CTX_set_cipher_list(SslCtxHandle ctx, string list);

    /// <summary>Returns <b>0 on success</b> (inverted, docs/webrtc-stack.md#dtls-srtp-over-openssl).</summary>
    [LibraryImport(NativeLibraries.Ssl, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int SSL_CTX_set_tlsext_use_srtp(SslCtxHandle ctx, string profiles);

    /// <summary>Returns 1 on success.</summary>
    [LibraryImport(NativeLibraries.Ssl, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int SSL_set_cipher_list(SslHandle ssl, string list);

    [LibraryImport(NativeLibraries.Ssl)]
    internal static partial SslHandle SSL_new(SslCtxHandle ctx);

    [LibraryImport(NativeLibraries.Ssl)]
    internal static partial void SSL_free(IntPtr ssl);

    /// <summary>Returns <b>0 on success</b> (inverted).</summary>
    [LibraryImport(NativeLibraries.Ssl, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int SSL_set_tlsext_use_srtp(SslHandle ssl, string profiles);

    /// <summary>The SSL takes ownership of both BIOs; <c>SSL_free</c> frees them.</summary>
    [LibraryImport(NativeLibraries.Ssl)]
    internal static partial void SSL_set_bio(SslHandle ssl, IntPtr rbio, IntPtr wbio);

    [LibraryImport(NativeLibraries.Ssl)]
    internal static partial CLong SSL_ctrl(SslHandle ssl, int cmd, CLong larg, IntPtr parg);

    [LibraryImport(NativeLibraries.Ssl)]
    internal static partial int SSL_set_ex_data(SslHandle ssl, int index, IntPtr data);

    [LibraryImport(NativeLibraries.Ssl)]
    internal static partial IntPtr SSL_get_ex_data(IntPtr ssl, int index);

    [LibraryImport(NativeLibraries.Ssl)]
    internal static partial void DTLS_set_timer_cb(SslHandle ssl, delegate* unmanaged[Cdecl]<IntPtr, uint, uint> callback);

    [LibraryImport(NativeLibraries.Ssl)]
    internal static partial void SSL_set_accept_state(SslHandle ssl);

    [LibraryImport(NativeLibraries.Ssl)]
    internal static partial void SSL_set_connect_state(SslHandle ssl);

    [LibraryImport(NativeLibraries.Ssl)]
    internal static partial int SSL_do_handshake(SslHandle ssl);

    [LibraryImport(NativeLibraries.Ssl)]
    internal static partial int SSL_read(SslHandle ssl, byte* buffer, int count);

    [LibraryImport(NativeLibraries.Ssl)]
    internal static partial int SSL_get_error(SslHandle ssl, int ret);

    [LibraryImport(NativeLibraries.Ssl)]
    internal static partial int SSL_shutdown(SslHandle ssl);

    [LibraryImport(NativeLibraries.Ssl)]
    internal static partial int SSL_get_shutdown(SslHandle ssl);

    [LibraryImport(NativeLibraries.Ssl)]
    internal static partial int SSL_is_init_finished(SslHandle ssl);

    /// <summary><c>SSL_get_peer_certificate</c> is a macro for this in 3.0; the caller owns the result.</summary>
    [LibraryImport(NativeLibraries.Ssl)]
    internal static partial X509Handle SSL_get1_peer_certificate(SslHandle ssl);

    /// <summary>Returns <c>SRTP_PROTECTION_PROFILE*</c> = <c>{ const char* name; unsigned long id; }</c>, or NULL.</summary>
    [LibraryImport(NativeLibraries.Ssl)]
    internal static partial IntPtr SSL_get_selected_srtp_profile(SslHandle ssl);

    /// <summary>RFC 5705 exporter; returns 1 on success.</summary>
    [LibraryImport(NativeLibraries.Ssl)]
    internal static partial int SSL_export_keying_material(
        SslHandle ssl, byte* output, nuint outputLength, byte* label, nuint labelLength,
        byte* context, nuint contextLength, int useContext);

    [LibraryImport(NativeLibraries.Ssl)]
    internal static partial IntPtr SSL_get_version(SslHandle ssl);
}
