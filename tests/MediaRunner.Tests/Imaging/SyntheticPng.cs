namespace WebRtcBridge.MediaRunner.Tests.Imaging;

/// <summary>
/// A random image held as raw samples in any PNG colour type and bit depth, with the RGBA the decoder must produce
/// and an encoder (via <see cref="TestPngBuilder"/>) supporting per-row filter choice and Adam7.
/// </summary>
internal sealed class SyntheticPng
{
    public readonly int Width, Height, ColorType, Depth, Channels;
    public readonly int[,,] Samples;
    public byte[]? Palette;      // RGB triples
    public byte[]? PaletteAlpha; // tRNS
    public int? TransparentGray;
    public (int R, int G, int B)? TransparentRgb;

    public SyntheticPng(int width, int height, int colorType, int depth, int seed)
    {
        Width = width; Height = height; ColorType = colorType; Depth = depth;
        Channels = colorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, _ => 4 };
        Samples = new int[height, width, Channels];
        var rng = new Random(seed);
        int max = colorType == 3 ? Math.Min(1 << depth, 256) - 1 : (1 << depth) - 1;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int c = 0; c < Channels; c++)
                    Samples[y, x, c] = rng.Next(max + 1);
    }

    public SyntheticPng WithPalette(bool withTrns)
    {
        int entries = 1 << Depth;
        var rng = new Random(entries);
        Palette = new byte[entries * 3];
        rng.NextBytes(Palette);
        if (withTrns)
        {
            PaletteAlpha = new byte[entries / 2 + 1]; // shorter than PLTE: the rest stays opaque
            rng.NextBytes(PaletteAlpha);
        }
        return this;
    }

    public (byte R, byte G, byte B, byte A) ExpectedRgba(int x, int y)
    {
        byte Scale(int v) => Depth switch { 16 => (byte)(v >> 8), 8 => (byte)v, _ => (byte)(v * 255 / ((1 << Depth) - 1)) };
        int s0 = Samples[y, x, 0];
        switch (ColorType)
        {
            case 0:
                return (Scale(s0), Scale(s0), Scale(s0), TransparentGray == s0 ? (byte)0 : (byte)255);
            case 2:
                int s1 = Samples[y, x, 1], s2 = Samples[y, x, 2];
                bool clear = TransparentRgb is { } t && t.R == s0 && t.G == s1 && t.B == s2;
                return (Scale(s0), Scale(s1), Scale(s2), clear ? (byte)0 : (byte)255);
            case 3:
                byte a = PaletteAlpha is not null && s0 < PaletteAlpha.Length ? PaletteAlpha[s0] : (byte)255;
                return (Palette![s0 * 3], Palette[s0 * 3 + 1], Palette[s0 * 3 + 2], a);
            case 4:
                return (Scale(s0), Scale(s0), Scale(s0), Scale(Samples[y, x, 1]));
            default:
                return (Scale(s0), Scale(Samples[y, x, 1]), Scale(Samples[y, x, 2]), Scale(Samples[y, x, 3]));
        }
    }

    public byte[] Encode(Func<int, int> filterOfRow, bool interlaced)
    {
        var builder = new TestPngBuilder().Header(Width, Height, Depth, ColorType, interlaced ? 1 : 0);
        if (Palette is not null) builder.Chunk("PLTE", Palette);
        if (PaletteAlpha is not null) builder.Chunk("tRNS", PaletteAlpha);
        if (TransparentGray is int g) builder.Chunk("tRNS", [(byte)(g >> 8), (byte)g]);
        if (TransparentRgb is { } t)
            builder.Chunk("tRNS", [(byte)(t.R >> 8), (byte)t.R, (byte)(t.G >> 8), (byte)t.G, (byte)(t.B >> 8), (byte)t.B]);
        int bpp = Math.Max(1, Channels * Depth / 8);
        var data = new List<byte>();
        if (!interlaced)
        {
            data.AddRange(TestPngBuilder.Filter(Rows(0, 0, 1, 1), bpp, filterOfRow));
        }
        else
        {
            int[] sx = [0, 4, 0, 2, 0, 1, 0], sy = [0, 0, 4, 0, 2, 0, 1], dx = [8, 8, 4, 4, 2, 2, 1], dy = [8, 8, 8, 4, 4, 2, 2];
            for (int p = 0; p < 7; p++)
            {
                var rows = Rows(sx[p], sy[p], dx[p], dy[p]);
                if (rows.Length == 0 || rows[0].Length == 0) continue;
                data.AddRange(TestPngBuilder.Filter(rows, bpp, filterOfRow));
            }
        }
        return builder.ImageData(data.ToArray(), pieces: 3).Build();
    }

    private byte[][] Rows(int x0, int y0, int dx, int dy)
    {
        int w = Width > x0 ? (Width - x0 + dx - 1) / dx : 0;
        var rows = new List<byte[]>();
        if (w == 0) return [];
        for (int y = y0; y < Height; y += dy)
        {
            int bits = w * Channels * Depth;
            var row = new byte[(bits + 7) / 8];
            int bit = 0;
            for (int x = x0; x < Width; x += dx)
                for (int c = 0; c < Channels; c++)
                {
                    int v = Samples[y, x, c];
                    if (Depth == 16) { row[bit / 8] = (byte)(v >> 8); row[bit / 8 + 1] = (byte)v; }
                    else if (Depth == 8) row[bit / 8] = (byte)v;
                    else row[bit / 8] |= (byte)(v << (8 - Depth - bit % 8));
                    bit += Depth;
                }
            rows.Add(row);
        }
        return rows.ToArray();
    }
}
