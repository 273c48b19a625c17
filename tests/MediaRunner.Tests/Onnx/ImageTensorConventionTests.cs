using WebRtcBridge.MediaRunner.Onnx;

namespace WebRtcBridge.MediaRunner.Tests.Onnx;

public sealed class ImageTensorConventionTests
{
    // Two pixels, RGBA: (10, 20, 30) and (200, 100, 0).
    private static readonly byte[] Pixels = [10, 20, 30, 255, 200, 100, 0, 255];

    [Fact]
    public void Nchw_rgb_by_default_planes_of_red_green_blue_in_0_to_1()
    {
        var t = new float[6];
        new ImageTensorConvention().ToTensor(Pixels, 2, 1, t);
        Assert.Equal([10 / 255f, 200 / 255f, 20 / 255f, 100 / 255f, 30 / 255f, 0f], t, new Tolerance(1e-6f));
    }

    [Fact]
    public void Nhwc_bgr_interleaves_blue_green_red_per_pixel()
    {
        var t = new float[6];
        new ImageTensorConvention(TensorLayout.Nhwc, ChannelOrder.Bgr).ToTensor(Pixels, 2, 1, t);
        Assert.Equal([30 / 255f, 20 / 255f, 10 / 255f, 0f, 100 / 255f, 200 / 255f], t, new Tolerance(1e-6f));
    }

    [Fact]
    public void Nchw_bgr_puts_the_blue_plane_first()
    {
        var t = new float[6];
        new ImageTensorConvention(TensorLayout.Nchw, ChannelOrder.Bgr).ToTensor(Pixels, 2, 1, t);
        Assert.Equal([30 / 255f, 0f, 20 / 255f, 100 / 255f, 10 / 255f, 200 / 255f], t, new Tolerance(1e-6f));
    }

    [Fact]
    public void Scale_mean_and_std_apply_per_channel_in_tensor_channel_order()
    {
        // ImageNet-style: scale 1/255, mean and std per channel (RGB).
        float[] mean = [0.485f, 0.456f, 0.406f], std = [0.229f, 0.224f, 0.225f];
        var t = new float[6];
        new ImageTensorConvention(TensorLayout.Nchw, ChannelOrder.Rgb, 1f / 255f, mean, std).ToTensor(Pixels, 2, 1, t);
        Assert.Equal((10 / 255f - 0.485f) / 0.229f, t[0], 1e-5f);
        Assert.Equal((100 / 255f - 0.456f) / 0.224f, t[3], 1e-5f);
        Assert.Equal((0 / 255f - 0.406f) / 0.225f, t[5], 1e-5f);
        // Scale 1 (0..255 models), mean per channel, std 1.
        new ImageTensorConvention(TensorLayout.Nhwc, ChannelOrder.Bgr, 1f, [100f, 50f, 0f], [1f, 1f, 1f]).ToTensor(Pixels, 2, 1, t);
        Assert.Equal([30 - 100f, 20 - 50f, 10 - 0f, 0 - 100f, 100 - 50f, 200 - 0f], t, new Tolerance(1e-4f));
    }

    [Theory]
    [InlineData(TensorLayout.Nchw, ChannelOrder.Rgb)]
    [InlineData(TensorLayout.Nchw, ChannelOrder.Bgr)]
    [InlineData(TensorLayout.Nhwc, ChannelOrder.Rgb)]
    [InlineData(TensorLayout.Nhwc, ChannelOrder.Bgr)]
    public void The_reverse_gives_back_every_byte_with_any_layout_order_and_normalisation(TensorLayout layout, ChannelOrder order)
    {
        var c = new ImageTensorConvention(layout, order, 1f / 255f, [0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);
        var rgba = new byte[256 * 4];
        for (var i = 0; i < 256; i++) { rgba[i * 4] = (byte)i; rgba[i * 4 + 1] = (byte)(255 - i); rgba[i * 4 + 2] = (byte)(i * 7); rgba[i * 4 + 3] = 255; }
        var t = new float[256 * 3];
        c.ToTensor(rgba, 16, 16, t);
        var back = new byte[rgba.Length];
        c.FromTensor(t, 16, 16, back);
        Assert.Equal(rgba, back);
    }

    [Fact]
    public void The_reverse_clamps_and_rounds()
    {
        var back = new byte[8];
        new ImageTensorConvention().FromTensor([-0.5f, 0.502f, 2f, 1.0f / 255f * 10.4f, 1f, 0.999f], 2, 1, back);
        Assert.Equal([0, 255, 255, 255, 128, 10, 255, 255], back[..8]);
        ImageTensorConvention.MaskToBytes([0f, 0.5f, 1f, 7f, -1f], back);
        Assert.Equal([0, 128, 255, 255, 0], back[..5]);
    }

    [Fact]
    public void Shape_follows_the_layout()
    {
        var s = new long[4];
        new ImageTensorConvention().Shape(640, 480, s);
        Assert.Equal([1, 3, 480, 640], s);
        new ImageTensorConvention(TensorLayout.Nhwc).Shape(640, 480, s);
        Assert.Equal([1, 480, 640, 3], s);
    }

    private sealed class Tolerance(float eps) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= eps;
        public int GetHashCode(float v) => 0;
    }
}
