using WebRtcBridge.MediaRunner.Imaging;

namespace WebRtcBridge.MediaRunner.Tests.Imaging;

public class PngRowFilterTests
{
    [Theory]
    [InlineData(1, 4)]
    [InlineData(2, 4)]
    [InlineData(3, 4)]
    [InlineData(4, 4)]
    [InlineData(4, 3)]
    [InlineData(3, 1)]
    public void VectorFilter_EqualsScalar_AndUnfilterInverts(byte type, int bpp)
    {
        var rng = new Random(type * 10 + bpp);
        foreach (int length in new[] { 1, 3, 4, 31, 32, 33, 148, 2560 })
        {
            var raw = new byte[length];
            var prior = new byte[length];
            rng.NextBytes(raw);
            rng.NextBytes(prior);
            if (length > 40) { raw[7] = 255; prior[3] = 0; raw[3] = 0; prior[7] = 255; } // extremes for Paeth
            var vector = new byte[length];
            var scalar = new byte[length];
            int costVector = PngRowFilter.Filter(type, raw, prior, vector, bpp, vectorized: true);
            int costScalar = PngRowFilter.Filter(type, raw, prior, scalar, bpp, vectorized: false);
            Assert.Equal(scalar, vector);
            Assert.Equal(costScalar, costVector);
            int expectedCost = 0;
            foreach (byte b in scalar) expectedCost += Math.Abs((int)(sbyte)b);
            Assert.Equal(expectedCost, costScalar);
            PngRowFilter.Unfilter(type, vector, prior, bpp);
            Assert.Equal(raw, vector);
        }
    }

    [Fact]
    public void SumOfAbsoluteResiduals_LongInput_DoesNotOverflowLanes()
    {
        var data = new byte[100_003];
        Array.Fill(data, (byte)0x80); // |(sbyte)0x80| = 128, the largest
        Assert.Equal(128 * data.Length, PngRowFilter.SumOfAbsoluteResiduals(data, vectorized: true));
    }
}
