using System.Runtime.InteropServices;

namespace WebRtcBridge.WebRtc.Native;

/// <summary>
/// Base of the OpenSSL SafeHandles. Counts live handles (created and not yet disposed) and handles that were only
/// released by the finalizer, i.e. leaked by their owner, so tests can prove every native object is freed.
/// </summary>
internal abstract class OpenSslHandle : SafeHandle
{
    private static long s_live;
    private static long s_finalized;
    private int _counted = 1;

    protected OpenSslHandle() : base(IntPtr.Zero, ownsHandle: true) => Interlocked.Increment(ref s_live);

    /// <summary>Handle objects created and not yet disposed (valid or not).</summary>
    internal static long LiveCount => Interlocked.Read(ref s_live);

    /// <summary>Valid handles that nobody disposed: the finalizer freed them.</summary>
    internal static long FinalizedCount => Interlocked.Read(ref s_finalized);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override void Dispose(bool disposing)
    {
        if (Interlocked.Exchange(ref _counted, 0) == 1)
        {
            Interlocked.Decrement(ref s_live);
            if (!disposing && !IsInvalid) Interlocked.Increment(ref s_finalized);
        }
        base.Dispose(disposing);
    }
}

/// <summary>An <c>SSL_CTX*</c>; freed with <c>SSL_CTX_free</c> (reference counted by OpenSSL: live SSLs keep it).</summary>
internal sealed class SslCtxHandle : OpenSslHandle
{
    public SslCtxHandle() { }

    protected override bool ReleaseHandle()
    {
        OpenSsl.SSL_CTX_free(handle);
        return true;
    }
}

/// <summary>An <c>SSL*</c>; <c>SSL_free</c> also frees the BIOs handed over with <c>SSL_set_bio</c>.</summary>
internal sealed class SslHandle : OpenSslHandle
{
    public SslHandle() { }

    protected override bool ReleaseHandle()
    {
        OpenSsl.SSL_free(handle);
        return true;
    }
}

/// <summary>An <c>X509*</c> we own a reference to; freed with <c>X509_free</c>.</summary>
internal sealed class X509Handle : OpenSslHandle
{
    public X509Handle() { }

    protected override bool ReleaseHandle()
    {
        OpenSslCrypto.X509_free(handle);
        return true;
    }
}

/// <summary>An <c>EVP_PKEY*</c>; freed with <c>EVP_PKEY_free</c>.</summary>
internal sealed class EvpPkeyHandle : OpenSslHandle
{
    public EvpPkeyHandle() { }

    protected override bool ReleaseHandle()
    {
        OpenSslCrypto.EVP_PKEY_free(handle);
        return true;
    }
}

/// <summary>An <c>EVP_CIPHER_CTX*</c>; freed with <c>EVP_CIPHER_CTX_free</c> (which also wipes the key schedule).</summary>
internal sealed class EvpCipherCtxHandle : OpenSslHandle
{
    public EvpCipherCtxHandle() { }

    protected override bool ReleaseHandle()
    {
        OpenSslCrypto.EVP_CIPHER_CTX_free(handle);
        return true;
    }
}
