using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using WebRtcBridge.WebRtc.Native;
using static WebRtcBridge.WebRtc.Native.OpenSslConstants;

namespace WebRtcBridge.WebRtc.Dtls;

/// <summary>
/// One configured <c>SSL_CTX</c> per certificate (docs/webrtc-stack.md#dtls-srtp-over-openssl): DTLS 1.2 only, our certificate
/// and key, peer certificate required but accepted as self-signed (trust comes from the SDP fingerprint), no tickets,
/// no session cache, no MTU queries (memory BIOs cannot answer them), use_srtp with GCM preferred.
/// </summary>
internal sealed unsafe class DtlsContext : IDisposable
{
    /// <summary>mediasoup/Janus default: ECDHE with ECDSA, no NULL/anonymous/PSK suites.</summary>
    internal const string CipherList = "DEFAULT:!NULL:!aNULL:!SHA256:!SHA384:!aECDH:!AESGCM+AES256:!aPSK";

    private DtlsContext(SslCtxHandle handle) => Handle = handle;

    internal SslCtxHandle Handle { get; }

    /// <summary>Creates the context and loads the certificate (DER) and PKCS#8 key (DER) into it.</summary>
    internal static DtlsContext Create(ReadOnlySpan<byte> certificateDer, ReadOnlySpan<byte> pkcs8PrivateKey)
    {
        OpenSslErrors.Clear();
        var ctx = OpenSsl.SSL_CTX_new(OpenSsl.DTLS_method());
        if (ctx.IsInvalid)
        {
            ctx.Dispose();
            throw new DtlsException(OpenSslErrors.Drain("SSL_CTX_new failed"));
        }
        try
        {
            using (var x509 = DecodeCertificate(certificateDer))
            using (var key = DecodePrivateKey(pkcs8PrivateKey))
            {
                // The context takes its own references; ours are freed by the usings.
                Check(OpenSsl.SSL_CTX_use_certificate(ctx, x509) == 1, "SSL_CTX_use_certificate failed");
                Check(OpenSsl.SSL_CTX_use_PrivateKey(ctx, key) == 1, "SSL_CTX_use_PrivateKey failed");
                Check(OpenSsl.SSL_CTX_check_private_key(ctx) == 1, "SSL_CTX_check_private_key failed");
            }
            OpenSsl.SSL_CTX_set_options(ctx,
                SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_TICKET | SSL_OP_NO_QUERY_MTU |
                SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
            OpenSsl.SSL_CTX_ctrl(ctx, SSL_CTRL_SET_SESS_CACHE_MODE, new CLong(SSL_SESS_CACHE_OFF), IntPtr.Zero);
            Check(OpenSsl.SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, new CLong(DTLS1_2_VERSION), IntPtr.Zero).Value == 1,
                "setting DTLS 1.2 as minimum version failed");
            OpenSsl.SSL_CTX_set_verify_depth(ctx, 4);
            OpenSsl.SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, &AcceptAnyCertificate);
            Check(OpenSsl.SSL_CTX_set_cipher_list(ctx, CipherList) == 1, "SSL_CTX_set_cipher_list failed");
            Check(OpenSsl.SSL_CTX_set_tlsext_use_srtp(ctx, DtlsSrtpProfiles.DefaultOpenSslList) == 0,
                "SSL_CTX_set_tlsext_use_srtp failed");
            return new DtlsContext(ctx);
        }
        catch
        {
            ctx.Dispose();
            throw;
        }
    }

    public void Dispose() => Handle.Dispose();

    private static X509Handle DecodeCertificate(ReadOnlySpan<byte> der)
    {
        fixed (byte* start = der)
        {
            byte* p = start;
            var x509 = OpenSslCrypto.d2i_X509(IntPtr.Zero, &p, new CLong(der.Length));
            if (x509.IsInvalid)
            {
                x509.Dispose();
                throw new DtlsException(OpenSslErrors.Drain("d2i_X509 rejected the certificate"));
            }
            return x509;
        }
    }

    private static EvpPkeyHandle DecodePrivateKey(ReadOnlySpan<byte> pkcs8)
    {
        fixed (byte* start = pkcs8)
        {
            byte* p = start;
            var key = OpenSslCrypto.d2i_AutoPrivateKey(IntPtr.Zero, &p, new CLong(pkcs8.Length));
            if (key.IsInvalid)
            {
                key.Dispose();
                throw new DtlsException(OpenSslErrors.Drain("d2i_AutoPrivateKey rejected the PKCS#8 key"));
            }
            return key;
        }
    }

    private static void Check(bool ok, string what)
    {
        if (!ok) throw new DtlsException(OpenSslErrors.Drain(what));
    }

    /// <summary>
    /// Verify callback: WebRTC certificates are self-signed, so chain errors are expected; the fingerprint from the SDP is
    /// checked after the handshake (RFC 8122 §5, docs/webrtc-stack.md#dtls-srtp-over-openssl).
    /// </summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int AcceptAnyCertificate(int preverifyOk, IntPtr storeCtx) => 1;

    /// <summary>
    /// DTLS retransmission timer (<c>DTLS_set_timer_cb</c>): first value from the SSL's app data (microseconds), then
    /// doubling, capped at 4 s (mediasoup's policy; RFC 6347 §4.2.4.1 doubling).
    /// </summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    internal static uint RetransmitTimer(IntPtr ssl, uint previousMicroseconds)
    {
        uint initial = (uint)(nuint)OpenSsl.SSL_get_ex_data(ssl, SSL_APP_DATA_INDEX);
        if (initial == 0) initial = 1_000_000;
        if (previousMicroseconds == 0) return initial;
        ulong next = (ulong)previousMicroseconds * 2;
        return (uint)Math.Max(initial, Math.Min(next, MaxRetransmitMicroseconds));
    }

    internal const uint MaxRetransmitMicroseconds = 4_000_000;

    internal static delegate* unmanaged[Cdecl]<IntPtr, uint, uint> RetransmitTimerPointer => &RetransmitTimer;
}
