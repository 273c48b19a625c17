using System.Runtime.InteropServices;

namespace WebRtcBridge.WebRtc.Native;

/// <summary><c>vpx_rational_t</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct VpxRational
{
    public int Num;
    public int Den;
}

/// <summary>
/// <c>vpx_codec_enc_cfg_t</c>, 504 bytes on x86-64 (docs/webrtc-stack.md#libvpx, offsets verified with <c>offsetof</c>).
/// Only the fields we set are named; the rest of the bytes are kept as libvpx's defaults fill them.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 504)]
internal struct VpxEncCfg
{
    [FieldOffset(0)] public uint g_usage;
    [FieldOffset(4)] public uint g_threads;
    [FieldOffset(8)] public uint g_profile;
    [FieldOffset(12)] public uint g_w;
    [FieldOffset(16)] public uint g_h;
    [FieldOffset(20)] public int g_bit_depth;
    [FieldOffset(24)] public uint g_input_bit_depth;
    [FieldOffset(28)] public VpxRational g_timebase;
    [FieldOffset(36)] public uint g_error_resilient;
    [FieldOffset(40)] public int g_pass;
    [FieldOffset(44)] public uint g_lag_in_frames;
    [FieldOffset(48)] public uint rc_dropframe_thresh;
    [FieldOffset(52)] public uint rc_resize_allowed;
    [FieldOffset(72)] public int rc_end_usage;
    [FieldOffset(112)] public uint rc_target_bitrate;
    [FieldOffset(116)] public uint rc_min_quantizer;
    [FieldOffset(120)] public uint rc_max_quantizer;
    [FieldOffset(124)] public uint rc_undershoot_pct;
    [FieldOffset(128)] public uint rc_overshoot_pct;
    [FieldOffset(132)] public uint rc_buf_sz;
    [FieldOffset(136)] public uint rc_buf_initial_sz;
    [FieldOffset(140)] public uint rc_buf_optimal_sz;
    [FieldOffset(160)] public int kf_mode;
    [FieldOffset(164)] public uint kf_min_dist;
    [FieldOffset(168)] public uint kf_max_dist;
    [FieldOffset(172)] public uint ss_number_layers;
    [FieldOffset(216)] public uint ts_number_layers;
    [FieldOffset(496)] public VpxRational rd_mult_key_qp_fac;
}

/// <summary><c>vpx_codec_dec_cfg_t</c> (12 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct VpxDecCfg
{
    public uint threads;
    public uint w;
    public uint h;
}

/// <summary><c>vpx_image_t</c>, 136 bytes on x86-64 (docs/webrtc-stack.md#libvpx).</summary>
[StructLayout(LayoutKind.Explicit, Size = 136)]
internal unsafe struct VpxImage
{
    [FieldOffset(0)] public int fmt;
    [FieldOffset(4)] public int cs;
    [FieldOffset(8)] public int range;
    [FieldOffset(12)] public uint w;
    [FieldOffset(16)] public uint h;
    [FieldOffset(20)] public uint bit_depth;
    [FieldOffset(24)] public uint d_w;
    [FieldOffset(28)] public uint d_h;
    [FieldOffset(32)] public uint r_w;
    [FieldOffset(36)] public uint r_h;
    [FieldOffset(40)] public uint x_chroma_shift;
    [FieldOffset(44)] public uint y_chroma_shift;
    [FieldOffset(48)] public byte* planeY;
    [FieldOffset(56)] public byte* planeU;
    [FieldOffset(64)] public byte* planeV;
    [FieldOffset(72)] public byte* planeA;
    [FieldOffset(80)] public int strideY;
    [FieldOffset(84)] public int strideU;
    [FieldOffset(88)] public int strideV;
    [FieldOffset(92)] public int strideA;
    [FieldOffset(96)] public int bps;
    [FieldOffset(104)] public IntPtr user_priv;
    [FieldOffset(112)] public byte* img_data;
    [FieldOffset(120)] public int img_data_owner;
    [FieldOffset(124)] public int self_allocd;
    [FieldOffset(128)] public IntPtr fb_priv;
}

/// <summary><c>vpx_codec_cx_pkt_t</c> (136 bytes), frame member of the data union (docs/webrtc-stack.md#libvpx).</summary>
[StructLayout(LayoutKind.Explicit, Size = 136)]
internal unsafe struct VpxCxPkt
{
    [FieldOffset(0)] public int kind;
    [FieldOffset(8)] public byte* buf;
    [FieldOffset(16)] public nuint sz;
    [FieldOffset(24)] public long pts;
    [FieldOffset(32)] public nuint duration;
    [FieldOffset(40)] public uint flags;
    [FieldOffset(44)] public int partition_id;
}
