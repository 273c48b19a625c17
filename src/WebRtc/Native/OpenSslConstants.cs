namespace WebRtcBridge.WebRtc.Native;

/// <summary>OpenSSL 3.0 constants and ctrl command numbers behind macros (checked against the 3.0 headers; docs/webrtc-stack.md#dtls-srtp-over-openssl).</summary>
internal static class OpenSslConstants
{
    // SSL_ctrl / SSL_CTX_ctrl commands (ssl.h)
    internal const int SSL_CTRL_MODE = 33;
    internal const int SSL_CTRL_SET_SESS_CACHE_MODE = 44;
    internal const int DTLS_CTRL_GET_TIMEOUT = 73;
    internal const int DTLS_CTRL_HANDLE_TIMEOUT = 74;
    internal const int SSL_CTRL_SET_MTU = 17;
    internal const int DTLS_CTRL_SET_LINK_MTU = 120;
    internal const int DTLS_CTRL_GET_LINK_MIN_MTU = 121;
    internal const int SSL_CTRL_SET_MIN_PROTO_VERSION = 123;
    internal const int SSL_CTRL_SET_MAX_PROTO_VERSION = 124;

    // BIO_ctrl commands (bio.h)
    internal const int BIO_CTRL_RESET = 1;
    internal const int BIO_CTRL_PENDING = 10;
    internal const int BIO_C_SET_BUF_MEM_EOF_RETURN = 130;

    internal const int DTLS1_2_VERSION = 0xFEFD;
    internal const int SSL_SESS_CACHE_OFF = 0;

    internal const int SSL_VERIFY_PEER = 0x01;
    internal const int SSL_VERIFY_FAIL_IF_NO_PEER_CERT = 0x02;

    internal const ulong SSL_OP_NO_QUERY_MTU = 1UL << 12;
    internal const ulong SSL_OP_NO_TICKET = 1UL << 14;
    internal const ulong SSL_OP_NO_COMPRESSION = 1UL << 17;
    internal const ulong SSL_OP_CIPHER_SERVER_PREFERENCE = 1UL << 22;
    internal const ulong SSL_OP_NO_RENEGOTIATION = 1UL << 30;

    internal const int SSL_ERROR_NONE = 0;
    internal const int SSL_ERROR_SSL = 1;
    internal const int SSL_ERROR_WANT_READ = 2;
    internal const int SSL_ERROR_WANT_WRITE = 3;
    internal const int SSL_ERROR_SYSCALL = 5;
    internal const int SSL_ERROR_ZERO_RETURN = 6;

    internal const int SSL_SENT_SHUTDOWN = 1;
    internal const int SSL_RECEIVED_SHUTDOWN = 2;

    /// <summary>Index 0 is the one <c>SSL_set_app_data</c> uses; no allocation call needed.</summary>
    internal const int SSL_APP_DATA_INDEX = 0;
}
