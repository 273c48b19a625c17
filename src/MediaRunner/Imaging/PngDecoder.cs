using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace WebRtcBridge.MediaRunner.Imaging;

/// <summary>
/// PNG decoder (W3C PNG Specification, 2nd ed. / RFC 2083): all colour types and bit depths, tRNS transparency,
/// Adam7 interlacing, chunk CRCs checked. Output is 8-bit RGBA; 16-bit samples keep their high byte.
/// Ancillary chunks other than tRNS (gAMA, iCCP, ...) are ignored; colour management is not applied.
/// </summary>
internal static class PngDecoder
{
    // Deflate cannot expand more than 1032:1 (258-byte matches coded in 2 bits), so image data declaring more
    // raw bytes than this is truncated; checked before the output is allocated.
    private const long MaxInflateRatio = 1032;

    private static ReadOnlySpan<byte> AdamStartX => [0, 4, 0, 2, 0, 1, 0];
    private static ReadOnlySpan<byte> AdamStartY => [0, 0, 4, 0, 2, 0, 1];
    private static ReadOnlySpan<byte> AdamStepX => [8, 8, 4, 4, 2, 2, 1];
    private static ReadOnlySpan<byte> AdamStepY => [8, 8, 8, 4, 4, 2, 2];

    private ref struct Chunk
    {
        public uint Type;
        public ReadOnlySpan<byte> Data;
    }

    private const uint IHDR = 0x49484452, PLTE = 0x504C5445, IDAT = 0x49444154, IEND = 0x49454E44, Trns = 0x74524E53;

    public static RgbaImage Decode(ReadOnlySpan<byte> png, long maxPixels)
    {
        if (!png.StartsWith(PngCodec.Signature)) throw new ImageFormatException("not a PNG (bad signature)");

        // Pass 1: walk and verify every chunk up to IEND, read IHDR/PLTE/tRNS, measure the image data.
        PngHeader header = default;
        Span<byte> palette = stackalloc byte[256 * 4];
        int paletteCount = 0;
        bool hasPalette = false, hasTransparentColor = false, seenIdat = false, idatEnded = false, seenEnd = false;
        ushort trnsGray = 0, trnsR = 0, trnsG = 0, trnsB = 0;
        long idatLength = 0;
        int pos = 8, index = 0;
        while (!seenEnd)
        {
            var chunk = ReadChunk(png, ref pos);
            if (index++ == 0 && chunk.Type != IHDR) throw new ImageFormatException("PNG must start with IHDR");
            if (seenIdat && chunk.Type != IDAT) idatEnded = true;
            switch (chunk.Type)
            {
                case IHDR:
                    if (index != 1) throw new ImageFormatException("duplicate IHDR");
                    header = PngHeader.Parse(chunk.Data);
                    ImageLimits.Check(header.Width, header.Height, maxPixels);
                    break;
                case PLTE:
                    if (seenIdat || hasPalette) throw new ImageFormatException("misplaced or duplicate PLTE");
                    if (header.ColorType is PngColorType.Gray or PngColorType.GrayAlpha)
                        throw new ImageFormatException("PLTE not allowed for greyscale PNG");
                    if (chunk.Data.Length % 3 != 0 || chunk.Data.Length == 0 || chunk.Data.Length > 768)
                        throw new ImageFormatException("invalid PLTE length");
                    hasPalette = true;
                    paletteCount = chunk.Data.Length / 3;
                    if (header.ColorType == PngColorType.Palette && paletteCount > 1 << header.BitDepth)
                        throw new ImageFormatException("PLTE has more entries than the bit depth allows");
                    for (int i = 0; i < paletteCount; i++)
                    {
                        palette[i * 4] = chunk.Data[i * 3];
                        palette[i * 4 + 1] = chunk.Data[i * 3 + 1];
                        palette[i * 4 + 2] = chunk.Data[i * 3 + 2];
                        palette[i * 4 + 3] = 255;
                    }
                    break;
                case Trns: // W3C PNG §11.3.2.1
                    if (seenIdat) throw new ImageFormatException("tRNS after IDAT");
                    switch (header.ColorType)
                    {
                        case PngColorType.Palette:
                            if (!hasPalette) throw new ImageFormatException("tRNS before PLTE");
                            if (chunk.Data.Length > paletteCount) throw new ImageFormatException("tRNS longer than PLTE");
                            for (int i = 0; i < chunk.Data.Length; i++) palette[i * 4 + 3] = chunk.Data[i];
                            break;
                        case PngColorType.Gray:
                            if (chunk.Data.Length != 2) throw new ImageFormatException("tRNS for greyscale must be 2 bytes");
                            trnsGray = BinaryPrimitives.ReadUInt16BigEndian(chunk.Data);
                            hasTransparentColor = true;
                            break;
                        case PngColorType.Rgb:
                            if (chunk.Data.Length != 6) throw new ImageFormatException("tRNS for truecolour must be 6 bytes");
                            trnsR = BinaryPrimitives.ReadUInt16BigEndian(chunk.Data);
                            trnsG = BinaryPrimitives.ReadUInt16BigEndian(chunk.Data[2..]);
                            trnsB = BinaryPrimitives.ReadUInt16BigEndian(chunk.Data[4..]);
                            hasTransparentColor = true;
                            break;
                            // tRNS is prohibited with an alpha channel; an ancillary chunk, so it is ignored.
                    }
                    break;
                case IDAT:
                    if (idatEnded) throw new ImageFormatException("IDAT chunks are not consecutive");
                    seenIdat = true;
                    idatLength += chunk.Data.Length;
                    break;
                case IEND:
                    seenEnd = true;
                    break;
                default:
                    // Bit 5 of the first type byte clear = critical chunk we cannot skip (W3C PNG §5.4).
                    if ((chunk.Type & 0x20000000) == 0)
                        throw new ImageFormatException($"unsupported critical PNG chunk '{TypeName(chunk.Type)}'");
                    break;
            }
        }
        if (!seenIdat) throw new ImageFormatException("PNG has no IDAT");
        if (header.ColorType == PngColorType.Palette && !hasPalette) throw new ImageFormatException("palette PNG without PLTE");

        long rawLength = RawLength(header);
        if (rawLength > idatLength * MaxInflateRatio + 64)
            throw new ImageFormatException("PNG image data is too short for the declared size");

        // Pass 2: gather the image data, inflate it row by row, unfilter and convert.
        byte[] compressed = ArrayPool<byte>.Shared.Rent((int)Math.Max(1, idatLength));
        int rowCapacity = (int)header.RowBytes(header.Width);
        byte[] current = ArrayPool<byte>.Shared.Rent(rowCapacity + 1);
        byte[] prior = ArrayPool<byte>.Shared.Rent(rowCapacity + 1);
        byte[]? scatter = header.Interlaced ? ArrayPool<byte>.Shared.Rent(header.Width * 4) : null;
        RgbaImage? image = null;
        try
        {
            int filled = 0;
            pos = 8;
            while (true)
            {
                var chunk = ReadChunk(png, ref pos);
                if (chunk.Type == IDAT)
                {
                    chunk.Data.CopyTo(compressed.AsSpan(filled));
                    filled += chunk.Data.Length;
                }
                else if (chunk.Type == IEND) break;
            }

            image = RgbaImage.Rent(header.Width, header.Height);
            var transparency = new Transparency(hasTransparentColor, trnsGray, trnsR, trnsG, trnsB);
            using var zlib = new ZLibStream(new MemoryStream(compressed, 0, filled, writable: false), CompressionMode.Decompress);
            int passes = header.Interlaced ? 7 : 1;
            for (int pass = 0; pass < passes; pass++)
            {
                int x0 = 0, y0 = 0, dx = 1, dy = 1;
                if (header.Interlaced)
                {
                    x0 = AdamStartX[pass]; y0 = AdamStartY[pass]; dx = AdamStepX[pass]; dy = AdamStepY[pass];
                }
                int passWidth = (header.Width - x0 + dx - 1) / dx;
                int passHeight = (header.Height - y0 + dy - 1) / dy;
                if (passWidth <= 0 || passHeight <= 0) continue; // empty passes have no scanlines (§8.2)
                int rowBytes = (int)header.RowBytes(passWidth);
                prior.AsSpan(0, rowBytes).Clear();
                for (int j = 0; j < passHeight; j++)
                {
                    var line = current.AsSpan(0, rowBytes + 1);
                    ReadExactly(zlib, line);
                    var row = line[1..];
                    PngRowFilter.Unfilter(line[0], row, prior.AsSpan(0, rowBytes), header.FilterBytesPerPixel);
                    int y = y0 + j * dy;
                    if (!header.Interlaced)
                    {
                        ConvertRow(header, row, passWidth, image.Row(y), palette, paletteCount, transparency);
                    }
                    else
                    {
                        var rgba = scatter.AsSpan(0, passWidth * 4);
                        ConvertRow(header, row, passWidth, rgba, palette, paletteCount, transparency);
                        var dst = image.Row(y);
                        for (int i = 0, x = x0; i < passWidth; i++, x += dx)
                            rgba.Slice(i * 4, 4).CopyTo(dst.Slice(x * 4, 4));
                    }
                    (current, prior) = (prior, current);
                    // after the swap, 'prior' holds this row's unfiltered bytes at offset 1; realign it.
                    prior.AsSpan(1, rowBytes).CopyTo(prior);
                }
            }
            var result = image;
            image = null;
            return result;
        }
        finally
        {
            image?.Dispose();
            ArrayPool<byte>.Shared.Return(compressed);
            ArrayPool<byte>.Shared.Return(current);
            ArrayPool<byte>.Shared.Return(prior);
            if (scatter is not null) ArrayPool<byte>.Shared.Return(scatter);
        }
    }

    /// <summary>Reads the width and height from IHDR (after checking signature and the IHDR CRC).</summary>
    public static (int Width, int Height) ReadSize(ReadOnlySpan<byte> png)
    {
        if (!png.StartsWith(PngCodec.Signature)) throw new ImageFormatException("not a PNG (bad signature)");
        int pos = 8;
        var chunk = ReadChunk(png, ref pos);
        if (chunk.Type != IHDR) throw new ImageFormatException("PNG must start with IHDR");
        var header = PngHeader.Parse(chunk.Data);
        return (header.Width, header.Height);
    }

    private readonly record struct Transparency(bool Enabled, ushort Gray, ushort R, ushort G, ushort B);

    private static void ReadExactly(Stream stream, Span<byte> buffer)
    {
        try
        {
            while (!buffer.IsEmpty)
            {
                int n = stream.Read(buffer);
                if (n <= 0) throw new ImageFormatException("PNG image data ends early");
                buffer = buffer[n..];
            }
        }
        catch (InvalidDataException e)
        {
            throw new ImageFormatException("corrupt PNG image data: " + e.Message, e);
        }
    }

    private static long RawLength(PngHeader header)
    {
        if (!header.Interlaced) return header.Height * (1 + header.RowBytes(header.Width));
        long total = 0;
        for (int pass = 0; pass < 7; pass++)
        {
            long w = (header.Width - AdamStartX[pass] + AdamStepX[pass] - 1) / AdamStepX[pass];
            long h = (header.Height - AdamStartY[pass] + AdamStepY[pass] - 1) / AdamStepY[pass];
            if (w > 0 && h > 0) total += h * (1 + header.RowBytes((int)w));
        }
        return total;
    }

    private static Chunk ReadChunk(ReadOnlySpan<byte> png, ref int pos)
    {
        // W3C PNG §5.3: length (4, big-endian, < 2^31), type (4), data, CRC (4) over type and data.
        if (png.Length - pos < 12) throw new ImageFormatException("PNG truncated (chunk header)");
        uint length = BinaryPrimitives.ReadUInt32BigEndian(png[pos..]);
        if (length > int.MaxValue || length > (uint)(png.Length - pos - 12))
            throw new ImageFormatException("PNG truncated (chunk data)");
        var typeAndData = png.Slice(pos + 4, 4 + (int)length);
        uint type = BinaryPrimitives.ReadUInt32BigEndian(typeAndData);
        for (int i = 0; i < 4; i++)
        {
            byte c = typeAndData[i];
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) throw new ImageFormatException("invalid PNG chunk type");
        }
        uint crc = BinaryPrimitives.ReadUInt32BigEndian(png[(pos + 8 + (int)length)..]);
        if (PngCrc32.Compute(typeAndData) != crc)
            throw new ImageFormatException($"PNG chunk '{TypeName(type)}' CRC mismatch");
        pos += 12 + (int)length;
        return new Chunk { Type = type, Data = typeAndData[4..] };
    }

    private static string TypeName(uint type) => string.Create(4, type, static (s, t) =>
    {
        for (int i = 0; i < 4; i++) s[i] = (char)(byte)(t >> (24 - 8 * i));
    });

    private static void ConvertRow(in PngHeader h, ReadOnlySpan<byte> row, int width, Span<byte> rgba,
        ReadOnlySpan<byte> palette, int paletteCount, in Transparency t)
    {
        int depth = h.BitDepth;
        switch (h.ColorType)
        {
            case PngColorType.Rgba when depth == 8:
                row[..(width * 4)].CopyTo(rgba);
                return;
            case PngColorType.Rgb when depth == 8:
                for (int i = 0; i < width; i++)
                {
                    byte r = row[i * 3], g = row[i * 3 + 1], b = row[i * 3 + 2];
                    rgba[i * 4] = r; rgba[i * 4 + 1] = g; rgba[i * 4 + 2] = b;
                    rgba[i * 4 + 3] = t.Enabled && r == t.R && g == t.G && b == t.B ? (byte)0 : (byte)255;
                }
                return;
            case PngColorType.Rgb: // 16-bit
                for (int i = 0; i < width; i++)
                {
                    var s = row.Slice(i * 6, 6);
                    ushort r = BinaryPrimitives.ReadUInt16BigEndian(s), g = BinaryPrimitives.ReadUInt16BigEndian(s[2..]),
                        b = BinaryPrimitives.ReadUInt16BigEndian(s[4..]);
                    rgba[i * 4] = s[0]; rgba[i * 4 + 1] = s[2]; rgba[i * 4 + 2] = s[4];
                    rgba[i * 4 + 3] = t.Enabled && r == t.R && g == t.G && b == t.B ? (byte)0 : (byte)255;
                }
                return;
            case PngColorType.Rgba: // 16-bit
                for (int i = 0; i < width; i++)
                    for (int c = 0; c < 4; c++) rgba[i * 4 + c] = row[i * 8 + c * 2];
                return;
            case PngColorType.GrayAlpha:
                int step = depth / 8 * 2;
                for (int i = 0; i < width; i++)
                {
                    byte v = row[i * step], a = row[i * step + step / 2];
                    rgba[i * 4] = v; rgba[i * 4 + 1] = v; rgba[i * 4 + 2] = v; rgba[i * 4 + 3] = a;
                }
                return;
            case PngColorType.Gray:
                for (int i = 0; i < width; i++)
                {
                    int sample = Sample(row, i, depth);
                    byte v = depth switch
                    {
                        16 => (byte)(sample >> 8),
                        8 => (byte)sample,
                        _ => (byte)(sample * 255 / ((1 << depth) - 1)),
                    };
                    rgba[i * 4] = v; rgba[i * 4 + 1] = v; rgba[i * 4 + 2] = v;
                    rgba[i * 4 + 3] = t.Enabled && sample == t.Gray ? (byte)0 : (byte)255;
                }
                return;
            case PngColorType.Palette:
                for (int i = 0; i < width; i++)
                {
                    int index = Sample(row, i, depth);
                    if (index >= paletteCount) throw new ImageFormatException($"palette index {index} out of range");
                    palette.Slice(index * 4, 4).CopyTo(rgba.Slice(i * 4, 4));
                }
                return;
        }
    }

    /// <summary>Sample <paramref name="i"/> of a one-channel row of the given depth (packed MSB first, §7.2).</summary>
    private static int Sample(ReadOnlySpan<byte> row, int i, int depth)
    {
        switch (depth)
        {
            case 8: return row[i];
            case 16: return row[i * 2] << 8 | row[i * 2 + 1];
            default:
                int bit = i * depth;
                int shift = 8 - depth - (bit & 7);
                return (row[bit >> 3] >> shift) & ((1 << depth) - 1);
        }
    }
}
