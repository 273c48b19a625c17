using WebRtcBridge.MediaRunner.Filters;
using WebRtcBridge.MediaRunner.Imaging;
using WebRtcBridge.MediaRunner.Tests.Imaging;

namespace WebRtcBridge.MediaRunner.Tests.Filters;

public class FilterRegistryTests
{
    [Fact]
    public void Names_ListEveryFilter()
    {
        Assert.Equal(
            ["identity", "invert", "grayscale", "sepia", "mirror", "rotate", "blur", "pixelate", "edges", "cartoon"],
            FilterRegistry.Names);
    }

    [Fact]
    public void EveryFilter_WithDefaults_RunsOnOddSizes_AndLeavesPaddingAlone()
    {
        foreach (var name in FilterRegistry.Names)
        {
            var filter = FilterRegistry.Create(name, new Dictionary<string, double>());
            Assert.Equal(name, filter.Name);
            using var src = TestImages.Random(37, 23, seed: 1, stride: 37 * 4 + 8);
            using var dst = RgbaImage.Create(37, 23, stride: 37 * 4 + 8);
            dst.Pixels.Fill(0xAB);
            filter.Apply(src.Pixels, dst.Pixels, 37, 23, src.Stride);
            for (int y = 0; y < 22; y++)
                Assert.All(dst.Pixels.Slice(y * dst.Stride + 37 * 4, 8).ToArray(), b => Assert.Equal(0xAB, b));
            using var tiny = TestImages.Random(1, 1, seed: 2);
            using var tinyOut = filter.Apply(tiny);
        }
    }

    [Fact]
    public void Create_IsCaseInsensitive_IgnoresUnknownParameters_AndUsesDefaults()
    {
        var blur = (BlurFilter)FilterRegistry.Create("BLUR", new Dictionary<string, double> { ["nonsense"] = 1e9 });
        Assert.Equal(4, blur.Radius);
        var pixelate = (PixelateFilter)FilterRegistry.Create("pixelate", new Dictionary<string, double> { ["block_size"] = 8 });
        Assert.Equal(8, pixelate.BlockSize);
        Assert.Equal(-45, ((RotateFilter)FilterRegistry.Create("rotate", new Dictionary<string, double> { ["degrees"] = -45 })).Degrees);
        Assert.Equal(["radius"], FilterRegistry.ParametersOf("blur").Select(p => p.Name));
    }

    [Theory]
    [InlineData("sharpen", null, 0, "filter")]
    [InlineData("", null, 0, "filter")]
    [InlineData("blur", "radius", 0, "radius")]
    [InlineData("blur", "radius", 101, "radius")]
    [InlineData("blur", "radius", 2.5, "radius")]
    [InlineData("blur", "radius", double.NaN, "radius")]
    [InlineData("pixelate", "block_size", 1, "block_size")]
    [InlineData("rotate", "degrees", 361, "degrees")]
    [InlineData("rotate", "degrees", double.PositiveInfinity, "degrees")]
    [InlineData("cartoon", "levels", 1, "levels")]
    [InlineData("cartoon", "edge_threshold", -1, "edge_threshold")]
    [InlineData("cartoon", "smooth", 11, "smooth")]
    public void BadNameOrParameter_ThrowsFilterArgumentException_NamingTheField(string name, string? parameter, double value, string field)
    {
        var parameters = new Dictionary<string, double>();
        if (parameter is not null) parameters[parameter] = value;
        var e = Assert.Throws<FilterArgumentException>(() => FilterRegistry.Create(name, parameters));
        Assert.Equal(field, e.Field);
        Assert.Contains(field == "filter" ? "unknown filter" : field, e.Message);
    }

    [Fact]
    public void Apply_RejectsOverlappingOrShortBuffers()
    {
        var filter = FilterRegistry.Create("invert");
        var buffer = new byte[64];
        Assert.Throws<ArgumentException>(() => filter.Apply(buffer.AsSpan(0, 32), buffer.AsSpan(16, 32), 2, 4, 8));
        Assert.Throws<ArgumentException>(() => filter.Apply(new byte[32], new byte[31], 2, 4, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => filter.Apply(new byte[32], new byte[32], 3, 4, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => filter.Apply(new byte[32], new byte[32], 0, 4, 8));
    }
}
