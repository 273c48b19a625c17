namespace WebRtcBridge.WebRtc.Media;

/// <summary>
/// Realtime VP8 encoder settings; defaults follow libwebrtc's <c>libvpx_vp8_encoder.cc</c> on x86
/// (docs/webrtc-stack.md#libvpx). Width and height come from the frames.
/// </summary>
public sealed record Vp8EncoderSettings
{
    /// <summary>Target bitrate in kbit/s (CBR). Changed live with <see cref="Vp8Encoder.SetBitrate"/>.</summary>
    public int TargetBitrateKbps { get; init; } = 500;
    /// <summary>Nominal frame rate; sets the frame duration when timestamps do not advance.</summary>
    public double FrameRate { get; init; } = 30;
    /// <summary>VP8E_SET_CPUUSED: negative = realtime speed; -6 libwebrtc x86 default (-16 fastest .. -1).</summary>
    public int CpuUsed { get; init; } = -6;
    /// <summary>Encoder threads (g_threads). libwebrtc: 1 up to VGA.</summary>
    public int Threads { get; init; } = 1;
    /// <summary>VP8E_SET_NOISE_SENSITIVITY: 0 off, 1 Y only, 4 adaptive (libwebrtc x86).</summary>
    public int NoiseSensitivity { get; init; } = 4;
    /// <summary>rc_dropframe_thresh: 30 lets the encoder drop frames to hold the bitrate; 0 never drops.</summary>
    public int DropFrameThreshold { get; init; } = 30;
    /// <summary>g_error_resilient (VPX_ERROR_RESILIENT_DEFAULT): better recovery after loss, slightly larger frames.</summary>
    public bool ErrorResilient { get; init; } = true;
    /// <summary>VP8E_SET_TOKEN_PARTITIONS as log2 of the count: 0 = one partition (libwebrtc).</summary>
    public int TokenPartitions { get; init; }
    /// <summary>kf_max_dist: frames between automatic keyframes (3000 = keyframes essentially on request only).</summary>
    public int KeyFrameMaxDistance { get; init; } = 3000;
    /// <summary>rc_min_quantizer.</summary>
    public int MinQuantizer { get; init; } = 2;
    /// <summary>rc_max_quantizer (libwebrtc kDefaultQpMax 56).</summary>
    public int MaxQuantizer { get; init; } = 56;
    /// <summary>rc_buf_initial_sz / rc_buf_optimal_sz / rc_buf_sz in ms.</summary>
    public int BufferInitialMs { get; init; } = 500;
    /// <inheritdoc cref="BufferInitialMs"/>
    public int BufferOptimalMs { get; init; } = 600;
    /// <inheritdoc cref="BufferInitialMs"/>
    public int BufferSizeMs { get; init; } = 1000;
    /// <summary>VP8E_SET_STATIC_THRESHOLD (1 camera, 100 screenshare).</summary>
    public int StaticThreshold { get; init; } = 1;
    /// <summary>Screen content mode (VP8E_SET_SCREEN_CONTENT_MODE 0 off, 2 on). Off for camera video.</summary>
    public bool ScreenContent { get; init; }
}
