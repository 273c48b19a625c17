using WebRtcBridge.MediaRunner.Filters;

namespace WebRtcBridge.MediaRunner.Tests.Filters;

public class I420FiltersTests
{
    private const int W = 37, H = 23, CW = 19, CH = 12;

    private static (byte[] Y, byte[] U, byte[] V) Planes(int seed)
    {
        var rng = new Random(seed);
        var y = new byte[W * H];
        var u = new byte[CW * CH];
        var v = new byte[CW * CH];
        for (int i = 0; i < y.Length; i++) y[i] = (byte)rng.Next(16, 236);
        for (int i = 0; i < u.Length; i++) { u[i] = (byte)rng.Next(16, 241); v[i] = (byte)rng.Next(16, 241); }
        return (y, u, v);
    }

    // BT.601 limited range, as libyuv I420ToARGB
    private static (double R, double G, double B) ToRgb(int y, int u, int v)
    {
        double c = 1.164 * (y - 16), d = u - 128, e = v - 128;
        return (c + 1.596 * e, c - 0.392 * d - 0.813 * e, c + 2.017 * d);
    }

    [Fact]
    public void Invert_MatchesRgbInversion_InLimitedRangeYuv()
    {
        var (y, u, v) = Planes(1);
        var (y2, u2, v2) = ((byte[])y.Clone(), (byte[])u.Clone(), (byte[])v.Clone());
        Assert.True(I420Filters.TryApplyInPlace(new InvertFilter(), y2, W, u2, CW, v2, CW, W, H));
        for (int row = 0; row < H; row++)
            for (int x = 0; x < W; x++)
            {
                int ci = row / 2 * CW + x / 2;
                var before = ToRgb(y[row * W + x], u[ci], v[ci]);
                var after = ToRgb(y2[row * W + x], u2[ci], v2[ci]);
                Assert.InRange(after.R, 255 - before.R - 2.5, 255 - before.R + 2.5);
                Assert.InRange(after.G, 255 - before.G - 2.5, 255 - before.G + 2.5);
                Assert.InRange(after.B, 255 - before.B - 2.5, 255 - before.B + 2.5);
            }
        // twice is the identity within the nominal range
        I420Filters.Invert(y2, W, u2, CW, v2, CW, W, H);
        Assert.Equal(y, y2);
        Assert.Equal(u, u2);
        Assert.Equal(v, v2);
    }

    [Fact]
    public void Invert_ClampsOutOfRangeSamples_AndVectorMatchesScalarTail()
    {
        var y = new byte[W * H];
        var u = new byte[CW * CH];
        var v = new byte[CW * CH];
        for (int i = 0; i < y.Length; i++) y[i] = (byte)i;
        for (int i = 0; i < u.Length; i++) { u[i] = (byte)i; v[i] = (byte)(255 - i); }
        I420Filters.Invert(y, W, u, CW, v, CW, W, H);
        for (int i = 0; i < y.Length; i++) Assert.Equal((byte)Math.Max(0, 251 - (i & 0xFF)), y[i]);
        for (int i = 0; i < u.Length; i++) Assert.Equal((byte)Math.Min(255, 256 - (i & 0xFF)), u[i]);
    }

    [Fact]
    public void Grayscale_SetsChromaTo128_KeepsLuma()
    {
        var (y, u, v) = Planes(2);
        var yCopy = (byte[])y.Clone();
        Assert.True(I420Filters.TryApplyInPlace(new GrayscaleFilter(), y, W, u, CW, v, CW, W, H));
        Assert.Equal(yCopy, y);
        Assert.All(u, b => Assert.Equal(128, b));
        Assert.All(v, b => Assert.Equal(128, b));
    }

    [Fact]
    public void Mirror_ReversesEveryPlaneRow_OtherFiltersAreNotHandled()
    {
        var (y, u, v) = Planes(3);
        var (y0, u0) = ((byte[])y.Clone(), (byte[])u.Clone());
        Assert.True(I420Filters.TryApplyInPlace(new MirrorFilter(), y, W, u, CW, v, CW, W, H));
        Assert.Equal(y0[5 * W + 0], y[5 * W + W - 1]);
        Assert.Equal(u0[3 * CW + 1], u[3 * CW + CW - 2]);
        var before = (byte[])y.Clone();
        Assert.False(I420Filters.TryApplyInPlace(new BlurFilter(2), y, W, u, CW, v, CW, W, H));
        Assert.Equal(before, y);
        Assert.Throws<ArgumentException>(() => I420Filters.Invert(y, W, u.AsSpan(1), CW, v, CW, W, H));
    }
}
