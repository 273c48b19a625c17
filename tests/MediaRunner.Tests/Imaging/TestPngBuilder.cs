using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace WebRtcBridge.MediaRunner.Tests.Imaging;

/// <summary>
/// A deliberately independent, minimal PNG writer for tests: takes raw (unfiltered) scanlines in any colour type
/// and bit depth, applies the requested filter type per row, and writes chunks with a bitwise CRC-32.
/// </summary>
internal sealed class TestPngBuilder
{
    private readonly List<(string Type, byte[] Data)> _chunks = new();

    public static byte[] Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public TestPngBuilder Header(int width, int height, int depth, int colorType, int interlace = 0)
    {
        var d = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(d, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(d.AsSpan(4), (uint)height);
        d[8] = (byte)depth; d[9] = (byte)colorType; d[12] = (byte)interlace;
        return Chunk("IHDR", d);
    }

    public TestPngBuilder Chunk(string type, byte[] data)
    {
        _chunks.Add((type, data));
        return this;
    }

    /// <summary>Adds IDAT chunks for the given filtered scanlines (each starting with its filter type byte), split in pieces.</summary>
    public TestPngBuilder ImageData(byte[] filteredScanlines, int pieces = 1)
    {
        var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.Optimal, leaveOpen: true)) z.Write(filteredScanlines);
        var all = ms.ToArray();
        int size = (all.Length + pieces - 1) / pieces;
        for (int i = 0; i < all.Length; i += size) Chunk("IDAT", all[i..Math.Min(all.Length, i + size)]);
        return this;
    }

    public byte[] Build(bool end = true)
    {
        if (end) Chunk("IEND", []);
        var ms = new MemoryStream();
        ms.Write(Signature);
        foreach (var (type, data) in _chunks)
        {
            var len = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(len, (uint)data.Length);
            ms.Write(len);
            var typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
            ms.Write(typeAndData);
            var crc = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(crc, Crc(typeAndData));
            ms.Write(crc);
        }
        return ms.ToArray();
    }

    /// <summary>Filters raw rows (rowBytes each) with the filter type chosen by <paramref name="filterOf"/> for each row.</summary>
    public static byte[] Filter(byte[][] rows, int bpp, Func<int, int> filterOf)
    {
        var output = new List<byte>();
        byte[] prior = new byte[rows.Length == 0 ? 0 : rows[0].Length];
        for (int y = 0; y < rows.Length; y++)
        {
            var raw = rows[y];
            int type = filterOf(y);
            output.Add((byte)type);
            for (int i = 0; i < raw.Length; i++)
            {
                int a = i >= bpp ? raw[i - bpp] : 0, b = prior[i], c = i >= bpp ? prior[i - bpp] : 0;
                int pred = type switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new ArgumentException("filter"),
                };
                output.Add((byte)(raw[i] - pred));
            }
            prior = raw;
        }
        return output.ToArray();
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    /// <summary>Bitwise CRC-32 (no table), independent of the production one.</summary>
    public static uint Crc(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (uint)-(int)(crc & 1));
        }
        return ~crc;
    }
}
