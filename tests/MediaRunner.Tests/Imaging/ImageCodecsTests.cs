using WebRtcBridge.MediaRunner.Imaging;

namespace WebRtcBridge.MediaRunner.Tests.Imaging;

public class ImageCodecsTests
{
    [Fact]
    public void Detect_ByMagicNumber()
    {
        Assert.Equal(ImageFormat.Jpeg, ImageCodecs.Detect([0xFF, 0xD8, 0xFF, 0xE0]));
        Assert.Equal(ImageFormat.Png, ImageCodecs.Detect(TestPngBuilder.Signature));
        Assert.Equal(ImageFormat.Unknown, ImageCodecs.Detect([0x89, 0x50, 0x4E, 0x47])); // partial PNG signature
        Assert.Equal(ImageFormat.Unknown, ImageCodecs.Detect("GIF89a"u8));
        Assert.Equal(ImageFormat.Unknown, ImageCodecs.Detect([]));
    }

    [Fact]
    public void Decode_DispatchesOnFormat()
    {
        using var image = TestImages.Random(6, 5, seed: 1);
        using (var fromPng = ImageCodecs.Decode(PngCodec.Encode(image)))
            Assert.Equal(TestImages.Packed(image), TestImages.Packed(fromPng));
        using (var fromJpeg = ImageCodecs.Decode(JpegCodec.Encode(image)))
            Assert.Equal((6, 5), (fromJpeg.Width, fromJpeg.Height));
        Assert.Throws<ImageFormatException>(() => ImageCodecs.Decode("GIF89a"u8));
    }

    [Fact]
    public void RgbaImage_PoolLifecycle()
    {
        var image = RgbaImage.Create(3, 2, stride: 16);
        Assert.Equal(32, image.ByteLength);
        Assert.All(image.Pixels.ToArray(), b => Assert.Equal(0, b));
        image.SetPixel(2, 1, 1, 2, 3, 4);
        Assert.Equal(((byte)1, (byte)2, (byte)3, (byte)4), image.GetPixel(2, 1));
        Assert.Equal(12, image.Row(1).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => image.Row(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => RgbaImage.Rent(3, 2, stride: 11));
        image.Dispose();
        image.Dispose();
        Assert.Throws<ObjectDisposedException>(() => image.Pixels.Length);
    }
}

public class ImageLimitsTests
{
    [Fact]
    public void Decode_RespectsCallerPixelLimit_ForBothFormats()
    {
        using var image = TestImages.Gradient(40, 30);
        var png = PngCodec.Encode(image);
        var jpeg = JpegCodec.Encode(image);
        using (var ok = ImageCodecs.Decode(png, maxPixels: 1200)) Assert.Equal(40, ok.Width);
        using (var ok = ImageCodecs.Decode(jpeg, maxPixels: 1200)) Assert.Equal(40, ok.Width);
        Assert.Contains("exceeds", Assert.Throws<ImageFormatException>(() => ImageCodecs.Decode(png, maxPixels: 1199)).Message);
        Assert.Contains("exceeds", Assert.Throws<ImageFormatException>(() => ImageCodecs.Decode(jpeg, maxPixels: 1199)).Message);
    }
}
