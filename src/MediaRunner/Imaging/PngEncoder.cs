using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace WebRtcBridge.MediaRunner.Imaging;

/// <summary>
/// PNG encoder for 8-bit RGBA (colour type 6), non-interlaced. Each row gets the filter type with the smallest sum
/// of absolute residuals (the adaptive heuristic of W3C PNG §12.8); zlib via <see cref="ZLibStream"/>.
/// </summary>
internal static class PngEncoder
{
    private const uint IHDR = 0x49484452, IEND = 0x49454E44;
    private const int IdatChunkSize = 64 * 1024;

    public static void Encode(ReadOnlySpan<byte> rgba, int width, int height, int stride, IBufferWriter<byte> output,
        CompressionLevel level)
    {
        var signature = output.GetSpan(8);
        PngCodec.Signature.CopyTo(signature);
        output.Advance(8);

        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr[4..], (uint)height);
        ihdr[8] = 8;                          // bit depth
        ihdr[9] = (byte)PngColorType.Rgba;    // colour type
        ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0; // deflate, filter method 0, no interlace
        PngChunkWriter.Write(output, IHDR, ihdr);

        int rowBytes = width * 4;
        byte[] scratch = ArrayPool<byte>.Shared.Rent(rowBytes * 2 + 2 + rowBytes);
        byte[] zeros = ArrayPool<byte>.Shared.Rent(rowBytes);
        try
        {
            zeros.AsSpan(0, rowBytes).Clear();
            using (var idat = new PngIdatStream(output, IdatChunkSize))
            {
                using (var zlib = new ZLibStream(idat, level, leaveOpen: true))
                {
                    var best = scratch.AsSpan(0, rowBytes + 1);
                    var candidate = scratch.AsSpan(rowBytes + 1, rowBytes + 1);
                    for (int y = 0; y < height; y++)
                    {
                        var raw = rgba.Slice(y * stride, rowBytes);
                        ReadOnlySpan<byte> prior = y == 0 ? zeros.AsSpan(0, rowBytes) : rgba.Slice((y - 1) * stride, rowBytes);
                        best[0] = PngRowFilter.None;
                        raw.CopyTo(best[1..]);
                        int bestCost = PngRowFilter.SumOfAbsoluteResiduals(raw);
                        for (byte type = PngRowFilter.Sub; type <= PngRowFilter.Paeth; type++)
                        {
                            int cost = PngRowFilter.Filter(type, raw, prior, candidate[1..], 4);
                            if (cost < bestCost)
                            {
                                bestCost = cost;
                                candidate[0] = type;
                                var t = best; best = candidate; candidate = t;
                            }
                        }
                        zlib.Write(best);
                    }
                }
                idat.Complete();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
            ArrayPool<byte>.Shared.Return(zeros);
        }
        PngChunkWriter.Write(output, IEND, default);
    }
}
