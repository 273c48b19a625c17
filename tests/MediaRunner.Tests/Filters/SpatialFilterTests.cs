using WebRtcBridge.MediaRunner.Filters;
using WebRtcBridge.MediaRunner.Imaging;
using WebRtcBridge.MediaRunner.Tests.Imaging;
using static WebRtcBridge.MediaRunner.Tests.Filters.FilterTestKit;

namespace WebRtcBridge.MediaRunner.Tests.Filters;

public class SpatialFilterTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(100)]
    public void Blur_OfConstantImage_IsConstant(int radius)
    {
        using var src = TestImages.Solid(37, 23, 12, 200, 99, 180);
        using var dst = Run(new BlurFilter(radius), src);
        Assert.All(Pixels(dst), p => Assert.Equal(Px(12, 200, 99, 180), p));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(30)]
    public void Blur_MatchesNaiveBoxReference_WithinOne(int radius)
    {
        const int w = 37, h = 23;
        using var src = TestImages.Random(w, h, seed: radius);
        using var dst = Run(new BlurFilter(radius), src);
        // naive separable reference with clamped edges and the same rounding per pass
        var horizontal = new double[h, w, 4];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < 4; c++)
                {
                    double sum = 0;
                    for (int k = -radius; k <= radius; k++) sum += Channel(src.GetPixel(Math.Clamp(x + k, 0, w - 1), y), c);
                    horizontal[y, x, c] = Math.Round(sum / (2 * radius + 1));
                }
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < 4; c++)
                {
                    double sum = 0;
                    for (int k = -radius; k <= radius; k++) sum += horizontal[Math.Clamp(y + k, 0, h - 1), x, c];
                    double expected = sum / (2 * radius + 1);
                    Assert.InRange(Channel(dst.GetPixel(x, y), c), expected - 1, expected + 1);
                }
    }

    private static int Channel((byte R, byte G, byte B, byte A) p, int c) => c switch { 0 => p.R, 1 => p.G, 2 => p.B, _ => p.A };

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(17)]
    public void Blur_VectorPath_EqualsScalarPath(int radius)
    {
        foreach (var (w, h, stride) in new[] { (37, 23, 0), (1, 1, 0), (9, 40, 9 * 4 + 8), (640, 6, 0) })
        {
            using var src = TestImages.Random(w, h, seed: radius * w, stride);
            using var vector = RgbaImage.Create(w, h, stride);
            using var scalar = RgbaImage.Create(w, h, stride);
            var blur = new BlurFilter(radius);
            blur.Apply(src.Pixels, vector.Pixels, w, h, src.Stride, vectorized: true);
            blur.Apply(src.Pixels, scalar.Pixels, w, h, src.Stride, vectorized: false);
            Assert.Equal(scalar.Pixels.ToArray(), vector.Pixels.ToArray());
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(64)]
    public void Pixelate_EachBlockIsUniform_AndTheRoundedMean(int block)
    {
        const int w = 37, h = 23;
        using var src = TestImages.Random(w, h, seed: block);
        using var dst = Run(new PixelateFilter(block), src);
        for (int by = 0; by < h; by += block)
            for (int bx = 0; bx < w; bx += block)
            {
                int x1 = Math.Min(bx + block, w), y1 = Math.Min(by + block, h);
                long[] sum = new long[4];
                for (int y = by; y < y1; y++)
                    for (int x = bx; x < x1; x++)
                        for (int c = 0; c < 4; c++) sum[c] += Channel(src.GetPixel(x, y), c);
                int n = (x1 - bx) * (y1 - by);
                for (int y = by; y < y1; y++)
                    for (int x = bx; x < x1; x++)
                    {
                        Assert.Equal(dst.GetPixel(bx, by), dst.GetPixel(x, y));
                        for (int c = 0; c < 4; c++)
                            Assert.InRange(Channel(dst.GetPixel(x, y), c), sum[c] / (double)n - 0.5, sum[c] / (double)n + 0.5);
                    }
            }
    }

    [Fact]
    public void Edges_OfConstantImage_IsZero_AlphaKept()
    {
        using var src = TestImages.Solid(37, 23, 90, 10, 200, 77);
        using var dst = Run(new EdgesFilter(), src);
        Assert.All(Pixels(dst), p => Assert.Equal(Px(0, 0, 0, 77), p));
    }

    [Fact]
    public void Edges_VerticalStep_IsBrightOnlyAtTheStep()
    {
        using var src = RgbaImage.Create(10, 5);
        for (int y = 0; y < 5; y++)
            for (int x = 0; x < 10; x++)
                src.SetPixel(x, y, x < 5 ? (byte)0 : (byte)100, x < 5 ? (byte)0 : (byte)100, x < 5 ? (byte)0 : (byte)100, 255);
        using var dst = Run(new EdgesFilter(), src);
        for (int y = 0; y < 5; y++)
            for (int x = 0; x < 10; x++)
            {
                byte v = dst.GetPixel(x, y).R;
                if (x is 4 or 5) Assert.Equal(255, v); // gx = 4 * 100 = 400, clamped
                else Assert.Equal(0, v);
            }
    }

    [Fact]
    public void Cartoon_ConstantImage_IsQuantized_WithoutOutlines()
    {
        using var src = TestImages.Solid(20, 20, 100, 30, 250, 200);
        using var dst = Run(FilterRegistry.Create("cartoon", new Dictionary<string, double> { ["levels"] = 2 }), src);
        Assert.All(Pixels(dst), p => Assert.Equal(Px(0, 0, 255, 200), p));
        using var four = Run(new CartoonFilter(4, 100, 0), src); // levels 0, 85, 170, 255
        Assert.All(Pixels(four), p => Assert.Equal(Px(85, 0, 255, 200), p));
    }

    [Fact]
    public void Cartoon_DrawsBlackOutlineAtStrongEdges()
    {
        using var src = RgbaImage.Create(12, 6);
        for (int y = 0; y < 6; y++)
            for (int x = 0; x < 12; x++) src.SetPixel(x, y, x < 6 ? (byte)20 : (byte)240, 200, 60, 255);
        using var dst = Run(new CartoonFilter(4, 100, 0), src);
        Assert.Equal(Px(0, 0, 0, 255), dst.GetPixel(5, 3));
        Assert.Equal(Px(0, 0, 0, 255), dst.GetPixel(6, 3));
        Assert.Equal(Px(0, 170, 85, 255), dst.GetPixel(1, 3));
        Assert.Equal(Px(255, 170, 85, 255), dst.GetPixel(10, 3));
    }
}

public class SobelLumaTests
{
    [Theory]
    [InlineData(37, 23, 0)]
    [InlineData(100, 3, 420)]
    [InlineData(1, 1, 0)]
    public void LumaVectorPath_EqualsScalar_AndGrayscaleFilter(int w, int h, int stride)
    {
        using var src = TestImages.Random(w, h, seed: w, stride);
        var vector = new byte[w * h];
        var scalar = new byte[w * h];
        Sobel.Luma(src.Pixels, w, h, src.Stride, vector, vectorized: true);
        Sobel.Luma(src.Pixels, w, h, src.Stride, scalar, vectorized: false);
        Assert.Equal(scalar, vector);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                var (r, g, b, _) = src.GetPixel(x, y);
                Assert.Equal(GrayscaleFilter.Luma(r, g, b), vector[y * w + x]);
            }
    }
}
