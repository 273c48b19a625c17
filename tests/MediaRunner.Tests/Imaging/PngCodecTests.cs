using System.Buffers;
using System.Buffers.Binary;
using WebRtcBridge.MediaRunner.Imaging;

namespace WebRtcBridge.MediaRunner.Tests.Imaging;

public class PngCodecTests
{
    [Theory]
    [InlineData(1, 1, 0)]
    [InlineData(37, 23, 0)]
    [InlineData(37, 23, 160)]
    [InlineData(300, 7, 0)]
    public void RoundTrip_RandomRgba_IsExact(int width, int height, int stride)
    {
        using var image = TestImages.Random(width, height, seed: width * 31 + height, stride);
        var png = PngCodec.Encode(image);
        using var decoded = PngCodec.Decode(png);
        Assert.Equal(width, decoded.Width);
        Assert.Equal(height, decoded.Height);
        Assert.Equal(TestImages.Packed(image), TestImages.Packed(decoded));
    }

    [Fact]
    public void RoundTrip_Gradient_IsExact_AndCompresses()
    {
        using var image = TestImages.Gradient(640, 480);
        var writer = new ArrayBufferWriter<byte>();
        PngCodec.Encode(image, writer);
        Assert.True(writer.WrittenCount < 640 * 480 * 4 / 4, $"gradient PNG unexpectedly large: {writer.WrittenCount}");
        using var decoded = PngCodec.Decode(writer.WrittenSpan);
        Assert.Equal(TestImages.Packed(image), TestImages.Packed(decoded));
        Assert.Equal((640, 480), PngCodec.ReadSize(writer.WrittenSpan));
    }

    [Fact]
    public void Encode_LargeImage_SplitsImageDataIntoSeveralIdatChunks()
    {
        using var image = TestImages.Random(200, 200, seed: 5); // ~160 KB, incompressible
        var png = PngCodec.Encode(image);
        int idats = 0;
        for (int pos = 8; pos < png.Length;)
        {
            int len = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            if (png.AsSpan(pos + 4, 4).SequenceEqual("IDAT"u8)) idats++;
            Assert.Equal(TestPngBuilder.Crc(png.AsSpan(pos + 4, 4 + len)), BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos + 8 + len)));
            pos += 12 + len;
        }
        Assert.True(idats >= 3, $"expected several IDAT chunks, got {idats}");
    }

    public static TheoryData<int, int, int, bool> ColourTypeCases()
    {
        var data = new TheoryData<int, int, int, bool>();
        var combos = new (int Color, int Depth)[]
        {
            (0, 1), (0, 2), (0, 4), (0, 8), (0, 16), (2, 8), (2, 16), (3, 1), (3, 2), (3, 4), (3, 8),
            (4, 8), (4, 16), (6, 8), (6, 16),
        };
        foreach (var (c, d) in combos)
            for (int filter = 0; filter <= 5; filter++) // 5 = a different filter type on each row
            {
                data.Add(c, d, filter, false);
                if (filter == 5) data.Add(c, d, filter, true);
            }
        return data;
    }

    [Theory]
    [MemberData(nameof(ColourTypeCases))]
    public void Decode_EveryColourTypeDepthAndFilter(int colorType, int depth, int filter, bool interlaced)
    {
        const int width = 13, height = 11;
        var sample = new SyntheticPng(width, height, colorType, depth, seed: colorType * 100 + depth * 10 + filter);
        if (colorType == 3) sample.WithPalette(withTrns: true);
        byte[] png = sample.Encode(filter == 5 ? (y => y % 5) : (_ => filter), interlaced);

        using var image = PngCodec.Decode(png);
        Assert.Equal(width, image.Width);
        Assert.Equal(height, image.Height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                Assert.Equal(sample.ExpectedRgba(x, y), image.GetPixel(x, y));
    }

    [Fact]
    public void Decode_GrayTrns_MakesMatchingSamplesTransparent()
    {
        var sample = new SyntheticPng(8, 4, colorType: 0, depth: 16, seed: 1);
        sample.Samples[2, 3, 0] = 0x1234;
        sample.TransparentGray = 0x1234;
        using var image = PngCodec.Decode(sample.Encode(_ => 1, false));
        Assert.Equal(0, image.GetPixel(3, 2).A);
        Assert.Equal(0x12, image.GetPixel(3, 2).R);
        Assert.Equal(sample.ExpectedRgba(0, 0), image.GetPixel(0, 0));
    }

    [Fact]
    public void Decode_RgbTrns_MakesMatchingColourTransparent()
    {
        var sample = new SyntheticPng(8, 4, colorType: 2, depth: 8, seed: 2);
        sample.Samples[1, 1, 0] = 10; sample.Samples[1, 1, 1] = 20; sample.Samples[1, 1, 2] = 30;
        sample.TransparentRgb = (10, 20, 30);
        using var image = PngCodec.Decode(sample.Encode(_ => 4, false));
        Assert.Equal(((byte)10, (byte)20, (byte)30, (byte)0), image.GetPixel(1, 1));
    }

    [Fact]
    public void Decode_PaletteWithTrns_KnownPixels()
    {
        // 2x1, 8-bit palette: entry 0 opaque red, entry 1 half-transparent green.
        var png = new TestPngBuilder()
            .Header(2, 1, 8, 3)
            .Chunk("PLTE", [255, 0, 0, 0, 255, 0])
            .Chunk("tRNS", [255, 128])
            .ImageData([0, 0, 1])
            .Build();
        using var image = PngCodec.Decode(png);
        Assert.Equal(((byte)255, (byte)0, (byte)0, (byte)255), image.GetPixel(0, 0));
        Assert.Equal(((byte)0, (byte)255, (byte)0, (byte)128), image.GetPixel(1, 0));
    }

    [Fact]
    public void Decode_PaletteIndexOutOfRange_Throws()
    {
        var png = new TestPngBuilder().Header(2, 1, 8, 3).Chunk("PLTE", [1, 2, 3]).ImageData([0, 0, 1]).Build();
        Assert.Throws<ImageFormatException>(() => PngCodec.Decode(png));
    }

    [Fact]
    public void Decode_IgnoresUnknownAncillaryChunk_RejectsUnknownCriticalChunk()
    {
        byte[] Make(string type) => new TestPngBuilder().Header(1, 1, 8, 6).Chunk(type, [1, 2, 3])
            .ImageData([0, 1, 2, 3, 4]).Build();
        using (var image = PngCodec.Decode(Make("teXt"))) Assert.Equal(((byte)1, (byte)2, (byte)3, (byte)4), image.GetPixel(0, 0));
        var e = Assert.Throws<ImageFormatException>(() => PngCodec.Decode(Make("ABCD")));
        Assert.Contains("critical", e.Message);
    }

    [Fact]
    public void Decode_CrcMismatch_IsDetected()
    {
        using var image = TestImages.Random(5, 5, seed: 3);
        var png = PngCodec.Encode(image);
        // IHDR CRC, IDAT data byte and IEND CRC: each corruption must be reported as a CRC mismatch.
        foreach (int offset in new[] { 8 + 8 + 13, 8 + 25 + 8 + 2, png.Length - 1 })
        {
            var bad = (byte[])png.Clone();
            bad[offset] ^= 0x40;
            var e = Assert.Throws<ImageFormatException>(() => PngCodec.Decode(bad));
            Assert.Contains("CRC", e.Message);
        }
    }

    [Fact]
    public void Decode_DeclaredSizeOverLimit_ThrowsBeforeAllocating()
    {
        var tooWide = new TestPngBuilder().Header(ImageLimits.MaxDimension + 1, 1, 8, 6).ImageData([0, 0, 0, 0, 0]).Build();
        Assert.Contains("limit", Assert.Throws<ImageFormatException>(() => PngCodec.Decode(tooWide)).Message);
        var tooMany = new TestPngBuilder().Header(16384, 16384, 8, 6).ImageData([0, 0, 0, 0, 0]).Build();
        Assert.Throws<ImageFormatException>(() => PngCodec.Decode(tooMany));
        // within the limits but far more pixels than the tiny IDAT could hold: rejected by the inflate ratio check
        var bomb = new TestPngBuilder().Header(8000, 8000, 8, 6).ImageData([0, 0, 0, 0, 0]).Build();
        Assert.Contains("too short", Assert.Throws<ImageFormatException>(() => PngCodec.Decode(bomb)).Message);
    }

    [Fact]
    public void Decode_StructuralErrors_Throw()
    {
        var ok = new TestPngBuilder().Header(1, 1, 8, 6).ImageData([0, 1, 2, 3, 4]);
        Assert.Throws<ImageFormatException>(() => PngCodec.Decode(new TestPngBuilder().Header(1, 1, 8, 6).ImageData([0, 1, 2, 3, 4]).Build(end: false)));
        Assert.Throws<ImageFormatException>(() => PngCodec.Decode(new TestPngBuilder().Header(1, 1, 8, 6).Build()));          // no IDAT
        Assert.Throws<ImageFormatException>(() => PngCodec.Decode(new TestPngBuilder().Header(1, 1, 3, 2).ImageData([0, 1, 2, 3]).Build())); // bad depth
        Assert.Throws<ImageFormatException>(() => PngCodec.Decode(new TestPngBuilder().Header(1, 1, 8, 6).ImageData([7, 1, 2, 3, 4]).Build())); // filter 7
        Assert.Throws<ImageFormatException>(() => PngCodec.Decode(new TestPngBuilder().Header(2, 2, 8, 6).ImageData([0, 1, 2, 3, 4]).Build())); // short data
        Assert.Throws<ImageFormatException>(() => PngCodec.Decode(new TestPngBuilder().Header(1, 1, 8, 3).ImageData([0, 0]).Build())); // no PLTE
        Assert.Throws<ImageFormatException>(() => PngCodec.Decode(new TestPngBuilder().Chunk("gAMA", [0, 0, 0, 1]).Header(1, 1, 8, 6).ImageData([0, 1, 2, 3, 4]).Build()));
        Assert.Throws<ImageFormatException>(() => PngCodec.Decode(Array.Empty<byte>()));
        using var good = PngCodec.Decode(ok.Build());
    }

    [Fact]
    public void Decode_EveryTruncation_ThrowsImageFormatException()
    {
        using var image = TestImages.Random(9, 7, seed: 4);
        var png = PngCodec.Encode(image);
        for (int length = 0; length < png.Length; length++)
        {
            var cut = png.AsSpan(0, length).ToArray();
            Assert.Throws<ImageFormatException>(() => PngCodec.Decode(cut));
        }
    }

    [Fact]
    public void Decode_RandomMutations_OnlyEverThrowImageFormatException()
    {
        using var image = TestImages.Gradient(23, 17);
        var valid = PngCodec.Encode(image);
        var palette = new SyntheticPng(11, 9, 3, 4, seed: 9).WithPalette(true).Encode(y => y % 5, interlaced: true);
        var rng = new Random(20261122);
        int decoded = 0, rejected = 0;
        for (int i = 0; i < 4000; i++)
        {
            var source = i % 2 == 0 ? valid : palette;
            var mutated = Mutate(source, rng, fixCrc: i % 4 < 2);
            try
            {
                using var result = PngCodec.Decode(mutated);
                decoded++;
            }
            catch (ImageFormatException)
            {
                rejected++;
            }
        }
        Assert.True(rejected > 100, $"rejected {rejected}");
    }

    [Fact]
    public void Decode_Garbage_ThrowsImageFormatException()
    {
        var rng = new Random(7);
        for (int i = 0; i < 500; i++)
        {
            var bytes = new byte[rng.Next(0, 200)];
            rng.NextBytes(bytes);
            if (i % 2 == 0 && bytes.Length >= 8) TestPngBuilder.Signature.CopyTo(bytes, 0);
            Assert.Throws<ImageFormatException>(() => PngCodec.Decode(bytes));
        }
    }

    /// <summary>Flips, overwrites, inserts or deletes bytes; with <paramref name="fixCrc"/> the chunk CRCs are recomputed so the damage reaches the chunk parsers and zlib.</summary>
    internal static byte[] Mutate(byte[] source, Random rng, bool fixCrc)
    {
        var list = new List<byte>(source);
        int edits = rng.Next(1, 4);
        for (int e = 0; e < edits; e++)
        {
            int at = rng.Next(8, list.Count);
            switch (rng.Next(4))
            {
                case 0: list[at] ^= (byte)(1 << rng.Next(8)); break;
                case 1: list[at] = (byte)rng.Next(256); break;
                case 2: list.Insert(at, (byte)rng.Next(256)); break;
                default: list.RemoveAt(at); break;
            }
        }
        var bytes = list.ToArray();
        if (fixCrc)
        {
            for (int pos = 8; pos + 12 <= bytes.Length;)
            {
                uint len = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(pos));
                if (len > bytes.Length - pos - 12) break;
                BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(pos + 8 + (int)len), TestPngBuilder.Crc(bytes.AsSpan(pos + 4, 4 + (int)len)));
                pos += 12 + (int)len;
            }
        }
        return bytes;
    }
}
