using WebRtcBridge.WebRtc.Native;

namespace WebRtcBridge.WebRtc.Media;

/// <summary>
/// VP8 decoder over libvpx. <see cref="Decode"/> takes one complete VP8 frame (descriptors stripped, e.g. from
/// <see cref="FrameAssembler"/>) and returns a pooled <see cref="VideoFrame"/> the caller disposes. Bad input never
/// throws: it is counted in <see cref="DecodeErrors"/> and reported by status. Not thread-safe.
/// </summary>
public sealed unsafe class Vp8Decoder : IDisposable
{
    private readonly LibVpxCodecHandle _codec;
    private readonly VideoFramePool _pool;
    private readonly int _maxWidth, _maxHeight;
    private bool _disposed;
    private long _framesDecoded, _keyFramesDecoded, _decodeErrors, _corruptFrames, _resolutionChanges;

    /// <summary>Creates the decoder. Keyframes announcing more than <paramref name="maxWidth"/> x <paramref name="maxHeight"/> are rejected before libvpx allocates for them.</summary>
    /// <exception cref="Vp8CodecException">libvpx could not be initialised.</exception>
    public Vp8Decoder(VideoFramePool? pool = null, int threads = 1, int maxWidth = 4096, int maxHeight = 4096)
    {
        _pool = pool ?? VideoFramePool.Shared;
        _maxWidth = maxWidth;
        _maxHeight = maxHeight;
        _codec = LibVpxCodecHandle.CreateDecoder((uint)Math.Max(1, threads), out int err);
        if (err != LibVpx.VPX_CODEC_OK)
        {
            string msg = LibVpx.DescribeError(_codec.Context, err);
            _codec.Dispose();
            throw new Vp8CodecException("vpx_codec_dec_init_ver failed: " + msg, err);
        }
    }

    /// <summary>Width of the last decoded frame (0 before the first).</summary>
    public int Width { get; private set; }
    /// <summary>Height of the last decoded frame (0 before the first).</summary>
    public int Height { get; private set; }
    /// <summary>Frames decoded and returned.</summary>
    public long FramesDecoded => _framesDecoded;
    /// <summary>Keyframes among <see cref="FramesDecoded"/>.</summary>
    public long KeyFramesDecoded => _keyFramesDecoded;
    /// <summary>Inputs rejected or failed (InvalidInput, Error and Corrupted statuses).</summary>
    public long DecodeErrors => _decodeErrors;
    /// <summary>Frames libvpx flagged as corrupted (subset of <see cref="DecodeErrors"/>).</summary>
    public long CorruptFrames => _corruptFrames;
    /// <summary>Times the output size changed after the first frame.</summary>
    public long ResolutionChanges => _resolutionChanges;

    /// <summary>
    /// Decodes one VP8 frame. On <see cref="Vp8DecodeStatus.Ok"/>, <paramref name="frame"/> holds the picture (owned by the
    /// caller; metadata left for the caller to set, except <see cref="VideoFrame.IsKeyFrame"/>); otherwise it is null.
    /// </summary>
    public Vp8DecodeStatus Decode(ReadOnlySpan<byte> data, out VideoFrame? frame)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        frame = null;
        if (data.IsEmpty || !Vp8FrameHeader.TryParse(data, out var header)) return Fail(Vp8DecodeStatus.InvalidInput);
        if (header.IsKeyFrame && (header.Width == 0 || header.Height == 0 || header.Width > _maxWidth || header.Height > _maxHeight))
            return Fail(Vp8DecodeStatus.InvalidInput);

        IntPtr ctx = _codec.Context;
        int err;
        fixed (byte* p = data)
            err = LibVpx.vpx_codec_decode(ctx, p, (uint)data.Length, IntPtr.Zero, 0);
        if (err != LibVpx.VPX_CODEC_OK)
        {
            DrainFrames(ctx);
            return Fail(Vp8DecodeStatus.Error);
        }

        int corrupted = 0;
        _ = LibVpx.vpx_codec_control_ptr(ctx, LibVpx.VP8D_GET_FRAME_CORRUPTED, &corrupted); // on failure: 0, not corrupted

        IntPtr iter = IntPtr.Zero;
        VpxImage* img = LibVpx.vpx_codec_get_frame(ctx, &iter);
        if (img == null) return Vp8DecodeStatus.NoFrame;
        if (corrupted != 0)
        {
            DrainFrames(ctx);
            _corruptFrames++;
            return Fail(Vp8DecodeStatus.Corrupted);
        }
        if (img->fmt != LibVpx.VPX_IMG_FMT_I420 || img->d_w == 0 || img->d_h == 0)
        {
            DrainFrames(ctx);
            return Fail(Vp8DecodeStatus.Error);
        }

        int w = (int)img->d_w, h = (int)img->d_h;
        if ((w != Width || h != Height) && Width != 0) _resolutionChanges++;
        Width = w;
        Height = h;

        var output = _pool.Rent(w, h);
        int cw = output.ChromaWidth;
        fixed (byte* d = output.Buffer)
        {
            byte* du = d + w * h, dv = du + cw * output.ChromaHeight;
            _ = LibYuv.I420Copy(img->planeY, img->strideY, img->planeU, img->strideU, img->planeV, img->strideV,
                d, w, du, cw, dv, cw, w, h);
        }
        DrainFrames(ctx);
        GC.KeepAlive(_codec);
        output.IsKeyFrame = header.IsKeyFrame;
        _framesDecoded++;
        if (header.IsKeyFrame) _keyFramesDecoded++;
        frame = output;
        return Vp8DecodeStatus.Ok;
    }

    private static void DrainFrames(IntPtr ctx)
    {
        IntPtr iter = IntPtr.Zero;
        while (LibVpx.vpx_codec_get_frame(ctx, &iter) != null) { }
    }

    private Vp8DecodeStatus Fail(Vp8DecodeStatus status)
    {
        _decodeErrors++;
        return status;
    }

    /// <summary>Destroys the native decoder.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _codec.Dispose();
    }
}
