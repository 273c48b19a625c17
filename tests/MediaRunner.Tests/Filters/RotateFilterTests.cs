using WebRtcBridge.MediaRunner.Filters;
using WebRtcBridge.MediaRunner.Tests.Imaging;
using static WebRtcBridge.MediaRunner.Tests.Filters.FilterTestKit;

namespace WebRtcBridge.MediaRunner.Tests.Filters;

public class RotateFilterTests
{
    [Fact]
    public void Rotate90_IsClockwise()
    {
        using var src = TestImages.Random(5, 5, seed: 1);
        using var dst = Run(new RotateFilter(90), src);
        // clockwise: top-left goes to top-right, top-right to bottom-right
        Assert.Equal(src.GetPixel(0, 0), dst.GetPixel(4, 0));
        Assert.Equal(src.GetPixel(4, 0), dst.GetPixel(4, 4));
        for (int y = 0; y < 5; y++)
            for (int x = 0; x < 5; x++) Assert.Equal(src.GetPixel(y, 4 - x), dst.GetPixel(x, y));
    }

    [Theory]
    [InlineData(6)]
    [InlineData(7)]
    public void Rotate90Twice_EqualsRotate180_OnSquares(int n)
    {
        using var src = TestImages.Random(n, n, seed: n);
        using var once = Run(new RotateFilter(90), src);
        using var twice = Run(new RotateFilter(90), once);
        using var half = Run(new RotateFilter(180), src);
        Assert.Equal(TestImages.Packed(half), TestImages.Packed(twice));
        using var back = Run(new RotateFilter(270), once);
        Assert.Equal(TestImages.Packed(src), TestImages.Packed(back));
        using var minus = Run(new RotateFilter(-90), src);
        using var threeQuarter = Run(new RotateFilter(270), src);
        Assert.Equal(TestImages.Packed(threeQuarter), TestImages.Packed(minus));
    }

    [Fact]
    public void Rotate180_And360_OnNonSquare()
    {
        using var src = TestImages.Random(37, 23, seed: 2, stride: 37 * 4 + 4);
        using var half = Run(new RotateFilter(180), src);
        for (int y = 0; y < 23; y++)
            for (int x = 0; x < 37; x++) Assert.Equal(src.GetPixel(36 - x, 22 - y), half.GetPixel(x, y));
        using var full = Run(new RotateFilter(360), src);
        Assert.Equal(TestImages.Packed(src), TestImages.Packed(full));
    }

    [Fact]
    public void Rotate90_NonSquare_IsCentred_UncoveredTransparentBlack()
    {
        using var src = TestImages.Solid(8, 4, 50, 60, 70, 255);
        using var dst = Run(new RotateFilter(90), src);
        // the 4-wide, 8-tall rotated content is centred in the 8x4 frame: columns 2..5 covered
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 8; x++)
                Assert.Equal(x is >= 2 and <= 5 ? Px(50, 60, 70, 255) : Px(0, 0, 0, 0), dst.GetPixel(x, y));
    }

    [Fact]
    public void ArbitraryAngle_CentreKeepsColour_CornersBecomeTransparent()
    {
        using var src = TestImages.Solid(41, 41, 200, 100, 50, 255);
        using var dst = Run(new RotateFilter(45), src);
        Assert.Equal(Px(200, 100, 50, 255), dst.GetPixel(20, 20));
        Assert.Equal(Px(200, 100, 50, 255), dst.GetPixel(20, 2)); // inside the diamond
        Assert.Equal(Px(0, 0, 0, 0), dst.GetPixel(0, 0));
        Assert.Equal(Px(0, 0, 0, 0), dst.GetPixel(40, 40));
    }

    [Fact]
    public void ArbitraryAngle_NearNinety_IsCloseToExactNinety()
    {
        using var src = TestImages.Gradient(31, 31);
        using var exact = Run(new RotateFilter(90), src);
        using var near = Run(new RotateFilter(90.0001), src);
        for (int y = 1; y < 30; y++)
            for (int x = 1; x < 30; x++)
            {
                var a = exact.GetPixel(x, y);
                var b = near.GetPixel(x, y);
                Assert.InRange(b.R - a.R, -2, 2);
                Assert.InRange(b.G - a.G, -2, 2);
            }
    }
}
