using System.Buffers;
using WebRtcBridge.WebRtc.Native;

namespace WebRtcBridge.WebRtc.Media;

/// <summary>
/// Realtime VP8 encoder over libvpx (docs/webrtc-stack.md#libvpx: one pass, CBR, no lag, keyframes on request).
/// <see cref="Encode"/> must be called from one thread at a time; <see cref="SetBitrate"/>,
/// <see cref="SetFrameRate"/> and <see cref="RequestKeyFrame"/> may be called from any thread and take effect at the
/// next <see cref="Encode"/>. A frame of a new size re-initialises the encoder (the next output is a keyframe).
/// </summary>
public sealed unsafe class Vp8Encoder : IDisposable
{
    private const int RtpClockRate = 90_000;

    private readonly Vp8EncoderSettings _settings;
    private LibVpxCodecHandle? _codec;
    private VpxEncCfg _cfg;
    private int _width, _height;
    private int _bitrateKbps;
    private int _cpuUsed;
    private int _pendingCpuUsed = NoPendingCpuUsed;
    private const int NoPendingCpuUsed = int.MinValue;
    private double _frameRate;
    private int _pendingBitrateKbps;          // 0 = none
    private long _pendingFrameRateBits;       // 0 = none (double bits)
    private int _keyFrameRequested;
    private long _pts;
    private uint _lastRtpTimestamp;
    private bool _hasLastTimestamp;
    private bool _disposed;
    private long _framesEncoded, _keyFramesEncoded, _framesDropped, _reinitializations;

    /// <summary>Creates an encoder; the native context is created at the first frame (its size decides).</summary>
    public Vp8Encoder(Vp8EncoderSettings? settings = null)
    {
        _settings = settings ?? new Vp8EncoderSettings();
        ArgumentOutOfRangeException.ThrowIfLessThan(_settings.TargetBitrateKbps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_settings.FrameRate, 0);
        _bitrateKbps = _settings.TargetBitrateKbps;
        _frameRate = _settings.FrameRate;
        _cpuUsed = _settings.CpuUsed;
    }

    /// <summary>The settings this encoder was created with.</summary>
    public Vp8EncoderSettings Settings => _settings;
    /// <summary>Width of the current encoder configuration (0 before the first frame).</summary>
    public int Width => _width;
    /// <summary>Height of the current encoder configuration (0 before the first frame).</summary>
    public int Height => _height;
    /// <summary>Target bitrate in effect (kbit/s).</summary>
    public int BitrateKbps => Volatile.Read(ref _bitrateKbps);
    /// <summary>Frame rate in effect.</summary>
    public double FrameRate => _frameRate;
    /// <summary>Frames that produced output.</summary>
    public long FramesEncoded => Interlocked.Read(ref _framesEncoded);
    /// <summary>Keyframes produced.</summary>
    public long KeyFramesEncoded => Interlocked.Read(ref _keyFramesEncoded);
    /// <summary>Frames the rate controller dropped (no output).</summary>
    public long FramesDropped => Interlocked.Read(ref _framesDropped);
    /// <summary>Native re-initialisations after a resolution change (the first init is not counted).</summary>
    public long Reinitializations => Interlocked.Read(ref _reinitializations);

    /// <summary>Changes the target bitrate (kbit/s) from the next frame on (vpx_codec_enc_config_set).</summary>
    public void SetBitrate(int kbps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(kbps, 1);
        Volatile.Write(ref _pendingBitrateKbps, kbps);
    }

    /// <summary>Changes the nominal frame rate from the next frame on.</summary>
    public void SetFrameRate(double fps)
    {
        if (!(fps > 0 && fps <= 1000)) throw new ArgumentOutOfRangeException(nameof(fps));
        Interlocked.Exchange(ref _pendingFrameRateBits, BitConverter.DoubleToInt64Bits(fps));
    }

    /// <summary>libvpx cpu-used in effect.</summary>
    public int CpuUsed => Volatile.Read(ref _cpuUsed);

    /// <summary>Changes the speed (VP8E_SET_CPUUSED, -16..16) from the next frame on (overload degradation).</summary>
    public void SetCpuUsed(int cpuUsed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cpuUsed, -16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(cpuUsed, 16);
        Volatile.Write(ref _pendingCpuUsed, cpuUsed);
    }

    /// <summary>Makes the next encoded frame a keyframe (PLI/FIR; throttling is the caller's job, §4.4).</summary>
    public void RequestKeyFrame() => Volatile.Write(ref _keyFrameRequested, 1);

    /// <summary>
    /// Encodes <paramref name="frame"/> and appends the VP8 frame to <paramref name="output"/>. Returns length 0 when the
    /// rate controller dropped the frame. The frame's <see cref="VideoFrame.RtpTimestamp"/> drives the pts
    /// (90 kHz timebase); non-advancing timestamps fall back to 90000/fps per frame.
    /// </summary>
    /// <exception cref="Vp8CodecException">libvpx failed to initialise or encode.</exception>
    public Vp8EncodeResult Encode(VideoFrame frame, bool forceKeyFrame, IBufferWriter<byte> output)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(output);

        if (_codec is null || frame.Width != _width || frame.Height != _height)
            Initialize(frame.Width, frame.Height);
        ApplyPendingChanges();

        bool requested = Interlocked.Exchange(ref _keyFrameRequested, 0) != 0;
        nint flags = forceKeyFrame || requested ? LibVpx.VPX_EFLAG_FORCE_KF : 0;
        nuint duration = (nuint)Math.Max(1, (int)Math.Round(RtpClockRate / _frameRate));
        AdvancePts(frame.RtpTimestamp, (long)duration);

        IntPtr ctx = _codec!.Context;
        int cw = frame.ChromaWidth;
        int written = 0;
        bool key = false;
        fixed (byte* buf = frame.Buffer)
        {
            VpxImage img = default;
            img.fmt = LibVpx.VPX_IMG_FMT_I420;
            img.w = img.d_w = img.r_w = (uint)frame.Width;
            img.h = img.d_h = img.r_h = (uint)frame.Height;
            img.bit_depth = 8;
            img.bps = 12;
            img.x_chroma_shift = img.y_chroma_shift = 1;
            img.planeY = buf;
            img.planeU = buf + frame.Width * frame.Height;
            img.planeV = img.planeU + cw * frame.ChromaHeight;
            img.strideY = frame.Width;
            img.strideU = img.strideV = cw;

            int err = LibVpx.vpx_codec_encode(ctx, &img, _pts, duration, flags, LibVpx.VPX_DL_REALTIME);
            if (err != LibVpx.VPX_CODEC_OK)
                throw new Vp8CodecException("vpx_codec_encode failed: " + LibVpx.DescribeError(ctx, err), err);

            IntPtr iter = IntPtr.Zero;
            VpxCxPkt* pkt;
            while ((pkt = LibVpx.vpx_codec_get_cx_data(ctx, &iter)) != null)
            {
                if (pkt->kind != LibVpx.VPX_CODEC_CX_FRAME_PKT) continue;
                int size = checked((int)pkt->sz);
                if (size == 0) continue;
                var dst = output.GetSpan(size);
                new ReadOnlySpan<byte>(pkt->buf, size).CopyTo(dst);
                output.Advance(size);
                written += size;
                key |= (pkt->flags & LibVpx.VPX_FRAME_IS_KEY) != 0;
            }
        }
        GC.KeepAlive(_codec);

        if (written == 0)
        {
            Interlocked.Increment(ref _framesDropped);
            if (flags != 0) Volatile.Write(ref _keyFrameRequested, 1); // keep the request for the next frame
            return default;
        }
        Interlocked.Increment(ref _framesEncoded);
        if (key) Interlocked.Increment(ref _keyFramesEncoded);
        else if (flags != 0) Volatile.Write(ref _keyFrameRequested, 1);
        return new Vp8EncodeResult(written, key);
    }

    private void AdvancePts(uint rtpTimestamp, long duration)
    {
        long delta = duration;
        if (_hasLastTimestamp)
        {
            int d = (int)(rtpTimestamp - _lastRtpTimestamp);
            if (d > 0 && d <= 10 * RtpClockRate) delta = d;
            _pts += delta;
        }
        _lastRtpTimestamp = rtpTimestamp;
        _hasLastTimestamp = true;
    }

    private void Initialize(int width, int height)
    {
        bool reinit = _codec is not null;
        _codec?.Dispose();
        _codec = null;

        VpxEncCfg cfg;
        int err = LibVpx.vpx_codec_enc_config_default(LibVpx.vpx_codec_vp8_cx(), &cfg, 0);
        if (err != LibVpx.VPX_CODEC_OK)
            throw new Vp8CodecException("vpx_codec_enc_config_default failed: " + LibVpx.DescribeError(IntPtr.Zero, err), err);

        var s = _settings;
        cfg.g_w = (uint)width;
        cfg.g_h = (uint)height;
        cfg.g_threads = (uint)Math.Max(1, s.Threads);
        cfg.g_timebase = new VpxRational { Num = 1, Den = RtpClockRate };
        cfg.g_lag_in_frames = 0;
        cfg.g_error_resilient = s.ErrorResilient ? LibVpx.VPX_ERROR_RESILIENT_DEFAULT : 0;
        cfg.g_pass = LibVpx.VPX_RC_ONE_PASS;
        cfg.rc_end_usage = LibVpx.VPX_CBR;
        cfg.rc_dropframe_thresh = (uint)Math.Clamp(s.DropFrameThreshold, 0, 100);
        cfg.rc_resize_allowed = 0;
        cfg.rc_min_quantizer = (uint)Math.Clamp(s.MinQuantizer, 0, 63);
        cfg.rc_max_quantizer = (uint)Math.Clamp(s.MaxQuantizer, s.MinQuantizer, 63);
        cfg.rc_undershoot_pct = 100;
        cfg.rc_overshoot_pct = 15;
        cfg.rc_buf_initial_sz = (uint)s.BufferInitialMs;
        cfg.rc_buf_optimal_sz = (uint)s.BufferOptimalMs;
        cfg.rc_buf_sz = (uint)s.BufferSizeMs;
        cfg.kf_mode = LibVpx.VPX_KF_AUTO;
        cfg.kf_min_dist = 0;
        cfg.kf_max_dist = (uint)Math.Max(1, s.KeyFrameMaxDistance);
        cfg.rc_target_bitrate = (uint)BitrateKbps;

        var codec = LibVpxCodecHandle.CreateEncoder(ref cfg, out err);
        if (err != LibVpx.VPX_CODEC_OK)
        {
            string msg = LibVpx.DescribeError(codec.Context, err);
            codec.Dispose();
            throw new Vp8CodecException($"vpx_codec_enc_init_ver {width}x{height} failed: {msg}", err);
        }
        try
        {
            IntPtr ctx = codec.Context;
            Control(ctx, LibVpx.VP8E_SET_CPUUSED, _cpuUsed);
            Control(ctx, LibVpx.VP8E_SET_NOISE_SENSITIVITY, s.NoiseSensitivity);
            Control(ctx, LibVpx.VP8E_SET_STATIC_THRESHOLD, s.StaticThreshold);
            Control(ctx, LibVpx.VP8E_SET_TOKEN_PARTITIONS, s.TokenPartitions);
            Control(ctx, LibVpx.VP8E_SET_MAX_INTRA_BITRATE_PCT, MaxIntraBitratePct(s.BufferOptimalMs, _frameRate));
            Control(ctx, LibVpx.VP8E_SET_SCREEN_CONTENT_MODE, s.ScreenContent ? 2 : 0);
        }
        catch
        {
            codec.Dispose();
            throw;
        }
        _cfg = cfg;
        _codec = codec;
        _width = width;
        _height = height;
        if (reinit) Interlocked.Increment(ref _reinitializations);
    }

    /// <summary>libwebrtc: max(300, rc_buf_optimal_sz * 0.5 * fps / 10), i.e. 900 % at 30 fps.</summary>
    private static int MaxIntraBitratePct(int optimalBufferMs, double fps)
        => Math.Max(300, (int)(optimalBufferMs * 0.5 * fps / 10));

    private static void Control(IntPtr ctx, int id, int value)
    {
        int err = LibVpx.vpx_codec_control_(ctx, id, value);
        if (err != LibVpx.VPX_CODEC_OK)
            throw new Vp8CodecException($"vpx_codec_control_({id}, {value}) failed: " + LibVpx.DescribeError(ctx, err), err);
    }

    private void ApplyPendingChanges()
    {
        IntPtr ctx = _codec!.Context;
        long fpsBits = Interlocked.Exchange(ref _pendingFrameRateBits, 0);
        if (fpsBits != 0)
        {
            _frameRate = BitConverter.Int64BitsToDouble(fpsBits);
            Control(ctx, LibVpx.VP8E_SET_MAX_INTRA_BITRATE_PCT, MaxIntraBitratePct(_settings.BufferOptimalMs, _frameRate));
        }
        int cpuUsed = Interlocked.Exchange(ref _pendingCpuUsed, NoPendingCpuUsed);
        if (cpuUsed != NoPendingCpuUsed && cpuUsed != _cpuUsed)
        {
            Control(ctx, LibVpx.VP8E_SET_CPUUSED, cpuUsed);
            Volatile.Write(ref _cpuUsed, cpuUsed);
        }
        int kbps = Interlocked.Exchange(ref _pendingBitrateKbps, 0);
        if (kbps != 0 && (uint)kbps != _cfg.rc_target_bitrate)
        {
            _cfg.rc_target_bitrate = (uint)kbps;
            Volatile.Write(ref _bitrateKbps, kbps);
            fixed (VpxEncCfg* p = &_cfg)
            {
                int err = LibVpx.vpx_codec_enc_config_set(ctx, p);
                if (err != LibVpx.VPX_CODEC_OK)
                    throw new Vp8CodecException("vpx_codec_enc_config_set failed: " + LibVpx.DescribeError(ctx, err), err);
            }
        }
    }

    /// <summary>Destroys the native encoder.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _codec?.Dispose();
        _codec = null;
    }
}
