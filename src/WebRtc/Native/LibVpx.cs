using System.Runtime.InteropServices;

namespace WebRtcBridge.WebRtc.Native;

/// <summary>
/// libvpx 1.12 (libvpx.so.7) P/Invoke declarations for VP8 (docs/webrtc-stack.md#libvpx). Only exported functions: the
/// <c>vpx_codec_enc_init</c>/<c>vpx_codec_dec_init</c>/<c>vpx_codec_control</c> macros are mapped to their
/// <c>_ver</c> / <c>control_</c> forms. LP64: C <c>long</c> is <see cref="nint"/>, <c>unsigned long</c> is <see cref="nuint"/>.
/// </summary>
internal static unsafe class LibVpx
{
    // ABI constants (verified against libvpx-dev 1.12.0).
    public const int EncoderAbiVersion = 25;
    public const int DecoderAbiVersion = 12;

    // vpx_codec_err_t
    public const int VPX_CODEC_OK = 0;
    public const int VPX_CODEC_ERROR = 1;
    public const int VPX_CODEC_MEM_ERROR = 2;
    public const int VPX_CODEC_CORRUPT_FRAME = 7;

    // rc / kf / pass enums
    public const int VPX_VBR = 0, VPX_CBR = 1;
    public const int VPX_KF_DISABLED = 0, VPX_KF_AUTO = 1;
    public const int VPX_RC_ONE_PASS = 0;
    public const uint VPX_ERROR_RESILIENT_DEFAULT = 1;

    public const int VPX_IMG_FMT_I420 = 0x102;

    // Encode flags and deadline.
    public const nint VPX_EFLAG_FORCE_KF = 1;
    public const nuint VPX_DL_REALTIME = 1;

    // Output packet kinds and frame flags.
    public const int VPX_CODEC_CX_FRAME_PKT = 0;
    public const uint VPX_FRAME_IS_KEY = 0x1;

    // Control ids (vp8cx.h / vp8dx.h).
    public const int VP8E_SET_CPUUSED = 13;
    public const int VP8E_SET_NOISE_SENSITIVITY = 15;
    public const int VP8E_SET_STATIC_THRESHOLD = 17;
    public const int VP8E_SET_TOKEN_PARTITIONS = 18;
    public const int VP8E_SET_MAX_INTRA_BITRATE_PCT = 26;
    public const int VP8E_SET_SCREEN_CONTENT_MODE = 31;
    public const int VP8D_GET_FRAME_CORRUPTED = 257;

    /// <summary>sizeof(vpx_codec_ctx_t) on x86-64 (docs/webrtc-stack.md#libvpx); treated as opaque.</summary>
    public const int CodecContextSize = 56;

    [DllImport(NativeLibraries.Vpx, ExactSpelling = true)]
    public static extern IntPtr vpx_codec_vp8_cx();

    [DllImport(NativeLibraries.Vpx, ExactSpelling = true)]
    public static extern IntPtr vpx_codec_vp8_dx();

    [DllImport(NativeLibraries.Vpx, ExactSpelling = true)]
    public static extern int vpx_codec_version();

    [DllImport(NativeLibraries.Vpx, ExactSpelling = true)]
    public static extern int vpx_codec_enc_config_default(IntPtr iface, VpxEncCfg* cfg, uint usage);

    [DllImport(NativeLibraries.Vpx, ExactSpelling = true)]
    public static extern int vpx_codec_enc_init_ver(IntPtr ctx, IntPtr iface, VpxEncCfg* cfg, nint flags, int ver);

    [DllImport(NativeLibraries.Vpx, ExactSpelling = true)]
    public static extern int vpx_codec_enc_config_set(IntPtr ctx, VpxEncCfg* cfg);

    [DllImport(NativeLibraries.Vpx, ExactSpelling = true)]
    public static extern int vpx_codec_encode(IntPtr ctx, VpxImage* img, long pts, nuint duration, nint flags, nuint deadline);

    [DllImport(NativeLibraries.Vpx, ExactSpelling = true)]
    public static extern VpxCxPkt* vpx_codec_get_cx_data(IntPtr ctx, IntPtr* iter);

    [DllImport(NativeLibraries.Vpx, ExactSpelling = true)]
    public static extern int vpx_codec_dec_init_ver(IntPtr ctx, IntPtr iface, VpxDecCfg* cfg, nint flags, int ver);

    [DllImport(NativeLibraries.Vpx, ExactSpelling = true)]
    public static extern int vpx_codec_decode(IntPtr ctx, byte* data, uint dataSize, IntPtr userPriv, nint deadline);

    [DllImport(NativeLibraries.Vpx, ExactSpelling = true)]
    public static extern VpxImage* vpx_codec_get_frame(IntPtr ctx, IntPtr* iter);

    /// <summary>Variadic <c>vpx_codec_control_</c> with one int argument: safe on x86-64/arm64 Linux SysV.</summary>
    [DllImport(NativeLibraries.Vpx, ExactSpelling = true)]
    public static extern int vpx_codec_control_(IntPtr ctx, int id, int value);

    /// <summary>Pointer-valued control overload (e.g. <see cref="VP8D_GET_FRAME_CORRUPTED"/>).</summary>
    [DllImport(NativeLibraries.Vpx, ExactSpelling = true, EntryPoint = "vpx_codec_control_")]
    public static extern int vpx_codec_control_ptr(IntPtr ctx, int id, int* value);

    [DllImport(NativeLibraries.Vpx, ExactSpelling = true)]
    public static extern int vpx_codec_destroy(IntPtr ctx);

    [DllImport(NativeLibraries.Vpx, ExactSpelling = true)]
    public static extern IntPtr vpx_codec_error(IntPtr ctx);

    [DllImport(NativeLibraries.Vpx, ExactSpelling = true)]
    public static extern IntPtr vpx_codec_error_detail(IntPtr ctx);

    [DllImport(NativeLibraries.Vpx, ExactSpelling = true)]
    public static extern IntPtr vpx_codec_err_to_string(int err);

    /// <summary>"error: detail" text of the last failure on <paramref name="ctx"/> (allocates; error path only).</summary>
    public static string DescribeError(IntPtr ctx, int err)
    {
        string? msg = ctx != IntPtr.Zero ? Marshal.PtrToStringUTF8(vpx_codec_error(ctx)) : null;
        msg ??= Marshal.PtrToStringUTF8(vpx_codec_err_to_string(err));
        string? detail = ctx != IntPtr.Zero ? Marshal.PtrToStringUTF8(vpx_codec_error_detail(ctx)) : null;
        return detail is null ? $"{msg} ({err})" : $"{msg} ({err}): {detail}";
    }
}
