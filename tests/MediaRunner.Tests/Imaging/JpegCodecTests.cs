using System.Buffers;
using WebRtcBridge.MediaRunner.Imaging;

namespace WebRtcBridge.MediaRunner.Tests.Imaging;

public class JpegCodecTests
{
    [Theory]
    [InlineData(64, 48, JpegSubsampling.Yuv444, 95, 2.0, 24)]
    [InlineData(640, 480, JpegSubsampling.Yuv420, 85, 3.0, 40)]
    [InlineData(37, 23, JpegSubsampling.Yuv420, 90, 3.0, 40)]
    public void RoundTrip_Gradient_WithinTolerance(int width, int height, JpegSubsampling sub, int quality, double maxMean, int maxError)
    {
        using var image = TestImages.Gradient(width, height);
        var jpeg = JpegCodec.Encode(image, quality, sub);
        Assert.Equal(ImageFormat.Jpeg, ImageCodecs.Detect(jpeg));
        Assert.Equal((width, height), JpegCodec.ReadSize(jpeg));
        using var decoded = JpegCodec.Decode(jpeg);
        Assert.Equal(width, decoded.Width);
        Assert.Equal(height, decoded.Height);
        long total = 0;
        int worst = 0;
        var a = TestImages.Packed(image);
        var b = TestImages.Packed(decoded);
        for (int i = 0; i < a.Length; i++)
        {
            if (i % 4 == 3)
            {
                Assert.Equal(255, b[i]); // JPEG has no alpha: decoded alpha is opaque
                continue;
            }
            int d = Math.Abs(a[i] - b[i]);
            total += d;
            worst = Math.Max(worst, d);
        }
        double mean = total / (a.Length * 0.75);
        Assert.True(mean <= maxMean, $"mean error {mean:F2}");
        Assert.True(worst <= maxError, $"max error {worst}");
    }

    [Fact]
    public void Encode_AppendsToBufferWriter_AndHonoursStride()
    {
        using var packed = TestImages.Gradient(50, 40);
        using var padded = TestImages.Gradient(50, 40, stride: 50 * 4 + 12);
        var writer = new ArrayBufferWriter<byte>();
        writer.Write(new byte[] { 1, 2, 3 });
        int length = JpegCodec.Encode(padded, writer, quality: 90);
        Assert.Equal(3 + length, writer.WrittenCount);
        Assert.Equal(new byte[] { 1, 2, 3, 0xFF, 0xD8 }, writer.WrittenSpan[..5].ToArray());
        Assert.Equal(0xD9, writer.WrittenSpan[^1]);
        // same pixels, same encoder settings: identical bytes whatever the stride
        Assert.Equal(JpegCodec.Encode(packed, 90), writer.WrittenSpan[3..].ToArray());
    }

    [Fact]
    public void Encode_BadQuality_Throws()
    {
        using var image = TestImages.Gradient(8, 8);
        Assert.Throws<ArgumentOutOfRangeException>(() => JpegCodec.Encode(image, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => JpegCodec.Encode(image, 101));
    }

    [Fact]
    public void Decode_Garbage_ThrowsImageFormatException_WithTurboJpegMessage()
    {
        Assert.Throws<ImageFormatException>(() => JpegCodec.Decode([]));
        Assert.Throws<ImageFormatException>(() => JpegCodec.Decode([0xFF, 0xD8, 0xFF]));
        Assert.Throws<ImageFormatException>(() => JpegCodec.Decode([0xFF, 0xD8, 0xFF, 0xE0, 0, 0, 1, 2, 3, 4])); // no frame: 0x0
        // a DQT segment naming table 15: TurboJPEG's own message comes through
        byte[] bogusDqt = [0xFF, 0xD8, 0xFF, 0xDB, 0x00, 0x43, 0x0F, .. new byte[64], 0xFF, 0xD9];
        var e = Assert.Throws<ImageFormatException>(() => JpegCodec.Decode(bogusDqt));
        Assert.Equal("invalid JPEG header: Bogus DQT index 15", e.Message);
        var rng = new Random(11);
        for (int i = 0; i < 300; i++)
        {
            var bytes = new byte[rng.Next(0, 300)];
            rng.NextBytes(bytes);
            if (bytes.Length > 3) { bytes[0] = 0xFF; bytes[1] = 0xD8; bytes[2] = 0xFF; }
            Assert.Throws<ImageFormatException>(() => JpegCodec.Decode(bytes));
        }
    }

    [Fact]
    public void Decode_TruncationsAndMutations_OnlyEverThrowImageFormatException()
    {
        using var image = TestImages.Gradient(48, 32);
        var jpeg = JpegCodec.Encode(image, 80);
        for (int length = 0; length < jpeg.Length; length += 7)
        {
            try { using var d = JpegCodec.Decode(jpeg.AsSpan(0, length)); }
            catch (ImageFormatException) { }
        }
        byte[] expected;
        using (var first = JpegCodec.Decode(jpeg)) expected = TestImages.Packed(first);
        var rng = new Random(424242);
        int rejected = 0;
        for (int i = 0; i < 3000; i++)
        {
            var bytes = (byte[])jpeg.Clone();
            int edits = rng.Next(1, 5);
            for (int e = 0; e < edits; e++) bytes[rng.Next(2, bytes.Length)] = (byte)rng.Next(256);
            try { using var d = JpegCodec.Decode(bytes); }
            catch (ImageFormatException) { rejected++; }
            // a failed call must not poison this thread's decoder for the next valid image
            using var valid = JpegCodec.Decode(jpeg);
            Assert.Equal(expected, TestImages.Packed(valid));
        }
        Assert.True(rejected > 0);
    }

    [Fact]
    public async Task HandlesArePerThread_ParallelUseGivesIdenticalResults()
    {
        using var image = TestImages.Gradient(120, 90);
        var reference = JpegCodec.Encode(image, 75);
        using var referenceDecoded = JpegCodec.Decode(reference);
        var expected = TestImages.Packed(referenceDecoded);
        var tasks = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < 25; i++)
            {
                var jpeg = JpegCodec.Encode(image, 75);
                Assert.Equal(reference, jpeg);
                using var decoded = JpegCodec.Decode(jpeg);
                Assert.Equal(expected, TestImages.Packed(decoded));
            }
        })).ToArray();
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(60));
    }
}
