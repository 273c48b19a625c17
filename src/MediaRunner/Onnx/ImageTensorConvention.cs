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
    public void ToTensor(ReadOnlySpan<byte> rgba, int width, int height, Span<float> tensor)
    {
        var n = width * height;
        if (rgba.Length < n * 4 || tensor.Length < n * 3) throw new ArgumentException("buffer too small for the image size");
        if (Layout == TensorLayout.Nchw)
        {
            for (var c = 0; c < 3; c++)
            {
                float gain = _gain[c], offset = _offset[c];
                var plane = tensor.Slice(c * n, n);
                var src = rgba.Slice(_source[c]);
                for (var p = 0; p < plane.Length; p++) plane[p] = src[p * 4] * gain + offset;
            }
        }
        else
        {
            float g0 = _gain[0], g1 = _gain[1], g2 = _gain[2], o0 = _offset[0], o1 = _offset[1], o2 = _offset[2];
            int s0 = _source[0], s1 = _source[1], s2 = _source[2];
            var dst = tensor.Slice(0, n * 3);
            for (int p = 0, i = 0; i < dst.Length; p += 4, i += 3)
            {
                var px = rgba.Slice(p, 4);
                dst[i] = px[s0] * g0 + o0;
                dst[i + 1] = px[s1] * g1 + o1;
                dst[i + 2] = px[s2] * g2 + o2;
            }
        }
    }

    /// <summary>A tensor of width*height*3 values back into tightly packed RGBA (alpha 255).</summary>
    public void FromTensor(ReadOnlySpan<float> tensor, int width, int height, Span<byte> rgba)
    {
        var n = width * height;
        if (rgba.Length < n * 4 || tensor.Length < n * 3) throw new ArgumentException("buffer too small for the image size");
        if (Layout == TensorLayout.Nchw)
        {
            for (var c = 0; c < 3; c++)
            {
                float inverse = 1f / _gain[c], offset = _offset[c];
                var plane = tensor.Slice(c * n, n);
                var dst = rgba.Slice(_source[c]);
                for (var p = 0; p < plane.Length; p++) dst[p * 4] = ToByte((plane[p] - offset) * inverse);
            }
        }
        else
        {
            float i0 = 1f / _gain[0], i1 = 1f / _gain[1], i2 = 1f / _gain[2], o0 = _offset[0], o1 = _offset[1], o2 = _offset[2];
            int s0 = _source[0], s1 = _source[1], s2 = _source[2];
            var src = tensor.Slice(0, n * 3);
            for (int p = 0, i = 0; i < src.Length; p += 4, i += 3)
            {
                var px = rgba.Slice(p, 4);
                px[s0] = ToByte((src[i] - o0) * i0);
                px[s1] = ToByte((src[i + 1] - o1) * i1);
                px[s2] = ToByte((src[i + 2] - o2) * i2);
            }
        }
        for (var p = 3; p < n * 4; p += 4) rgba[p] = 255;
    }

    /// <summary>A mask of values in 0..1 (one per pixel) into bytes 0..255.</summary>
    public static void MaskToBytes(ReadOnlySpan<float> mask, Span<byte> plane)
    {
        if (plane.Length < mask.Length) throw new ArgumentException("plane smaller than the mask");
        for (var i = 0; i < mask.Length; i++) plane[i] = ToByte(mask[i] * 255f);
    }

    private static byte ToByte(float v) => v >= 254.5f ? (byte)255 : v <= 0f ? (byte)0 : (byte)(v + 0.5f);
}
