namespace WebRtcBridge.MediaRunner.Onnx;

/// <summary>
/// How packed RGBA pixels map to an image tensor of one batch and three channels, and back: channel c of the tensor
/// holds <c>(byte * Scale - Mean[c]) / Std[c]</c> of colour <c>ChannelOrder[c]</c>, laid out NCHW
/// (<c>[1,3,H,W]</c>) or NHWC (<c>[1,H,W,3]</c>). The reverse rounds to the nearest byte and clamps to 0..255.
/// </summary>
public sealed class ImageTensorConvention
{
    private readonly float[] _gain = new float[3];   // Scale / Std[c]
    private readonly float[] _offset = new float[3]; // -Mean[c] / Std[c]
    private readonly int[] _source = new int[3];     // byte offset in an RGBA pixel of tensor channel c

    public ImageTensorConvention(TensorLayout layout = TensorLayout.Nchw, ChannelOrder order = ChannelOrder.Rgb,
        float scale = 1f / 255f, ReadOnlySpan<float> mean = default, ReadOnlySpan<float> std = default)
    {
        Layout = layout;
        Order = order;
        for (var c = 0; c < 3; c++)
        {
            var m = mean.IsEmpty ? 0f : mean[c];
            var s = std.IsEmpty ? 1f : std[c];
            _gain[c] = scale / s;
            _offset[c] = -m / s;
            _source[c] = order == ChannelOrder.Rgb ? c : 2 - c;
        }
    }

    public static ImageTensorConvention From(OnnxModelOptions o) => new(o.Layout, o.ChannelOrder, o.Scale, o.Mean, o.Std);

    public TensorLayout Layout { get; }
    public ChannelOrder Order { get; }

    /// <summary>The tensor shape for an image of this size.</summary>
    public void Shape(int width, int height, Span<long> shape)
    {
        shape[0] = 1;
        if (Layout == TensorLayout.Nchw) { shape[1] = 3; shape[2] = height; shape[3] = width; }
        else { shape[1] = height; shape[2] = width; shape[3] = 3; }
    }

    /// <summary>Tightly packed RGBA (width*4 bytes per row) into a tensor of width*height*3 values.</summary>
    public unsafe void ToTensor(ReadOnlySpan<byte> rgba, int width, int height, Span<float> tensor)
    {
        var n = width * height;
        if (rgba.Length < n * 4 || tensor.Length < n * 3) throw new ArgumentException("buffer too small for the image size");
        float g0 = _gain[0], g1 = _gain[1], g2 = _gain[2], o0 = _offset[0], o1 = _offset[1], o2 = _offset[2];
        int s0 = _source[0], s1 = _source[1], s2 = _source[2];
        // One pass over the pixels (each read once); NCHW writes three planes, NHWC one interleaved run.
        int step0 = 1, step1 = 1, step2 = 1, at1 = n, at2 = 2 * n;
        if (Layout == TensorLayout.Nhwc) { step0 = step1 = step2 = 3; at1 = 1; at2 = 2; }
        fixed (byte* src = rgba)
        fixed (float* dst = tensor)
        {
            float* d0 = dst, d1 = dst + at1, d2 = dst + at2;
            byte* px = src;
            for (var p = 0; p < n; p++, px += 4, d0 += step0, d1 += step1, d2 += step2)
            {
                *d0 = px[s0] * g0 + o0;
                *d1 = px[s1] * g1 + o1;
                *d2 = px[s2] * g2 + o2;
            }
        }
    }

    /// <summary>A tensor of width*height*3 values back into tightly packed RGBA (alpha 255).</summary>
    public unsafe void FromTensor(ReadOnlySpan<float> tensor, int width, int height, Span<byte> rgba)
    {
        var n = width * height;
        if (rgba.Length < n * 4 || tensor.Length < n * 3) throw new ArgumentException("buffer too small for the image size");
        float i0 = 1f / _gain[0], i1 = 1f / _gain[1], i2 = 1f / _gain[2];
        // byte = (v - offset) / gain = v * inverse + bias
        float b0 = -_offset[0] * i0 + 0.5f, b1 = -_offset[1] * i1 + 0.5f, b2 = -_offset[2] * i2 + 0.5f;
        int s0 = _source[0], s1 = _source[1], s2 = _source[2];
        int step0 = 1, step1 = 1, step2 = 1, at1 = n, at2 = 2 * n;
        if (Layout == TensorLayout.Nhwc) { step0 = step1 = step2 = 3; at1 = 1; at2 = 2; }
        fixed (float* src = tensor)
        fixed (byte* dst = rgba)
        {
            float* c0 = src, c1 = src + at1, c2 = src + at2;
            byte* px = dst;
            for (var p = 0; p < n; p++, px += 4, c0 += step0, c1 += step1, c2 += step2)
            {
                px[s0] = RoundedByte(*c0 * i0 + b0);
                px[s1] = RoundedByte(*c1 * i1 + b1);
                px[s2] = RoundedByte(*c2 * i2 + b2);
                px[3] = 255;
            }
        }
    }

    /// <summary>v already has 0.5 added: truncation rounds to nearest; clamped to 0..255 (NaN gives 0).</summary>
    private static byte RoundedByte(float v) => (byte)(int)Math.Clamp(v, 0f, 255f);

    /// <summary>A mask of values in 0..1 (one per pixel) into bytes 0..255.</summary>
    public static void MaskToBytes(ReadOnlySpan<float> mask, Span<byte> plane)
    {
        if (plane.Length < mask.Length) throw new ArgumentException("plane smaller than the mask");
        for (var i = 0; i < mask.Length; i++) plane[i] = RoundedByte(mask[i] * 255f + 0.5f);
    }
}
