namespace WebRtcBridge.MediaRunner.Imaging;

/// <summary>The CRC-32 of PNG chunks (ISO 3309 / ITU-T V.42, polynomial 0xEDB88320), W3C PNG §5.5 and Annex D.</summary>
internal static class PngCrc32
{
    private static readonly uint[] Table = BuildTable();

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }

    /// <summary>Continues a running CRC (start with 0xFFFFFFFF, finish by inverting).</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        var table = Table;
        foreach (byte b in data) crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    /// <summary>CRC of chunk type followed by chunk data.</summary>
    public static uint Compute(ReadOnlySpan<byte> typeAndData) => Update(0xFFFFFFFFu, typeAndData) ^ 0xFFFFFFFFu;
}
