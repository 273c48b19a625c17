using WebRtcBridge.MediaRunner.Filters;
using WebRtcBridge.MediaRunner.Imaging;
using WebRtcBridge.MediaRunner.Tests.Imaging;
using static WebRtcBridge.MediaRunner.Tests.Filters.FilterTestKit;

namespace WebRtcBridge.MediaRunner.Tests.Filters;

public class PointFilterTests
{
    [Fact]
    public void Invert_KnownAnswer()
    {
        using var src = TestImages.Solid(3, 2, 10, 20, 30, 255);
        using var dst = Run(new InvertFilter(), src);
        Assert.All(Pixels(dst), p => Assert.Equal(Px(245, 235, 225, 255), p));
    }

    [Fact]
    public void Invert_Twice_IsIdentity_AlphaKept()
    {
        using var src = TestImages.Random(37, 23, seed: 1);
        using var once = Run(new InvertFilter(), src);
        using var twice = Run(new InvertFilter(), once);
        Assert.Equal(TestImages.Packed(src), TestImages.Packed(twice));
        for (int i = 0; i < 37; i++) Assert.Equal(src.GetPixel(i, 5).A, once.GetPixel(i, 5).A);
    }

    [Fact]
    public void Grayscale_KnownAnswers()
    {
        using var src = RgbaImage.Create(4, 1);
        src.SetPixel(0, 0, 10, 20, 30, 200);
        src.SetPixel(1, 0, 255, 255, 255, 255);
        src.SetPixel(2, 0, 255, 0, 0, 7);
        src.SetPixel(3, 0, 0, 0, 255, 0);
        using var dst = Run(new GrayscaleFilter(), src);
        // BT.601: Y = 0.299 R + 0.587 G + 0.114 B
        Assert.Equal(Px(18, 18, 18, 200), dst.GetPixel(0, 0));   // 17.9
        Assert.Equal(Px(255, 255, 255, 255), dst.GetPixel(1, 0));
        Assert.Equal(Px(77, 77, 77, 7), dst.GetPixel(2, 0));     // 76.2 (fixed point 77/256)
        Assert.Equal(Px(29, 29, 29, 0), dst.GetPixel(3, 0));     // 29.1
    }

    [Fact]
    public void Grayscale_WithinOneOfFloatingPointLuma()
    {
        using var src = TestImages.Random(37, 23, seed: 2);
        using var dst = Run(new GrayscaleFilter(), src);
        for (int y = 0; y < 23; y++)
            for (int x = 0; x < 37; x++)
            {
                var (r, g, b, a) = src.GetPixel(x, y);
                double luma = 0.299 * r + 0.587 * g + 0.114 * b;
                var p = dst.GetPixel(x, y);
                Assert.InRange(p.R, luma - 1, luma + 1);
                Assert.Equal(p.R, p.G);
                Assert.Equal(p.R, p.B);
                Assert.Equal(a, p.A);
            }
    }

    [Fact]
    public void Sepia_WithinOneOfTheMatrix_ClampedAt255()
    {
        using var src = TestImages.Random(37, 23, seed: 3);
        using var dst = Run(new SepiaFilter(), src);
        for (int y = 0; y < 23; y++)
            for (int x = 0; x < 37; x++)
            {
                var (r, g, b, a) = src.GetPixel(x, y);
                double er = Math.Min(255, 0.393 * r + 0.769 * g + 0.189 * b);
                double eg = Math.Min(255, 0.349 * r + 0.686 * g + 0.168 * b);
                double eb = Math.Min(255, 0.272 * r + 0.534 * g + 0.131 * b);
                var p = dst.GetPixel(x, y);
                Assert.InRange(p.R, er - 1.5, er + 1.5);
                Assert.InRange(p.G, eg - 1.5, eg + 1.5);
                Assert.InRange(p.B, eb - 1.5, eb + 1.5);
                Assert.Equal(a, p.A);
            }
        using var white = TestImages.Solid(1, 1, 255, 255, 255, 255);
        using var whiteSepia = Run(new SepiaFilter(), white);
        Assert.Equal(Px(255, 255, 239, 255), whiteSepia.GetPixel(0, 0)); // B: 0.937 * 255 = 239
    }

    public static TheoryData<string> PointFilters() => new() { "invert", "grayscale", "sepia" };

    [Theory]
    [MemberData(nameof(PointFilters))]
    public void VectorPath_EqualsScalarPath_OnOddSizesAndStrides(string name)
    {
        var filter = (PointFilter)FilterRegistry.Create(name);
        foreach (var (w, h, stride) in new[] { (37, 23, 0), (1, 1, 0), (7, 3, 0), (37, 23, 37 * 4 + 20), (640, 4, 0) })
        {
            using var src = TestImages.Random(w, h, seed: w + h, stride);
            using var vector = RgbaImage.Create(w, h, stride);
            using var scalar = RgbaImage.Create(w, h, stride);
            filter.Apply(src.Pixels, vector.Pixels, w, h, src.Stride, vectorized: true);
            filter.Apply(src.Pixels, scalar.Pixels, w, h, src.Stride, vectorized: false);
            Assert.Equal(TestImages.Packed(scalar), TestImages.Packed(vector));
            Assert.Equal(scalar.Pixels.ToArray(), vector.Pixels.ToArray()); // padding untouched in both
        }
    }

    [Fact]
    public void Mirror_FlipsRows()
    {
        using var src = TestImages.Random(37, 23, seed: 4, stride: 160);
        using var dst = Run(new MirrorFilter(), src);
        for (int y = 0; y < 23; y++)
            for (int x = 0; x < 37; x++) Assert.Equal(src.GetPixel(36 - x, y), dst.GetPixel(x, y));
    }

    [Fact]
    public void Identity_Copies()
    {
        using var src = TestImages.Random(37, 23, seed: 5, stride: 152);
        using var dst = Run(new IdentityFilter(), src);
        Assert.Equal(TestImages.Packed(src), TestImages.Packed(dst));
    }
}
