namespace WebRtcBridge.WebRtc.Native;

/// <summary>Live native objects of the stack, for leak checks and health reporting.</summary>
public static class NativeHandleCounts
{
    /// <summary>OpenSSL objects (SSL_CTX, SSL, X509, EVP_PKEY) created and not yet freed.</summary>
    public static long OpenSsl => OpenSslHandle.LiveCount;

    /// <summary>libvpx encoder and decoder contexts not yet destroyed.</summary>
    public static long LibVpx => LibVpxCodecHandle.LiveCount;
}
