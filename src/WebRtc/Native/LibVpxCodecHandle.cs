using System.Runtime.InteropServices;

namespace WebRtcBridge.WebRtc.Native;

/// <summary>
/// Owns one native <c>vpx_codec_ctx_t</c> (56 zeroed bytes from <see cref="NativeMemory"/>). Release calls
/// <c>vpx_codec_destroy</c> when the context was initialised, then frees the memory.
/// </summary>
internal sealed unsafe class LibVpxCodecHandle : SafeHandle
{
    private static long _live;
    private bool _initialized;

    /// <summary>Number of codec contexts allocated and not yet released (leak checks).</summary>
    public static long LiveCount => Interlocked.Read(ref _live);

    internal LibVpxCodecHandle() : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle((IntPtr)NativeMemory.AllocZeroed((nuint)LibVpx.CodecContextSize));
        Interlocked.Increment(ref _live);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>Allocates a context and initialises it as a VP8 encoder with <paramref name="cfg"/>.</summary>
    public static LibVpxCodecHandle CreateEncoder(ref VpxEncCfg cfg, out int error)
    {
        var h = new LibVpxCodecHandle();
        fixed (VpxEncCfg* p = &cfg)
            error = LibVpx.vpx_codec_enc_init_ver(h.handle, LibVpx.vpx_codec_vp8_cx(), p, 0, LibVpx.EncoderAbiVersion);
        h._initialized = error == LibVpx.VPX_CODEC_OK;
        return h;
    }

    /// <summary>Allocates a context and initialises it as a VP8 decoder.</summary>
    public static LibVpxCodecHandle CreateDecoder(uint threads, out int error)
    {
        var h = new LibVpxCodecHandle();
        var cfg = new VpxDecCfg { threads = threads };
        error = LibVpx.vpx_codec_dec_init_ver(h.handle, LibVpx.vpx_codec_vp8_dx(), &cfg, 0, LibVpx.DecoderAbiVersion);
        h._initialized = error == LibVpx.VPX_CODEC_OK;
        return h;
    }

    /// <summary>The raw <c>vpx_codec_ctx_t*</c>; valid while this handle is alive.</summary>
    public IntPtr Context => handle;

    protected override bool ReleaseHandle()
    {
        if (_initialized) _ = LibVpx.vpx_codec_destroy(handle);
        NativeMemory.Free((void*)handle);
        Interlocked.Decrement(ref _live);
        return true;
    }
}
