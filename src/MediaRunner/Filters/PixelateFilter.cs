using System.Buffers;

namespace WebRtcBridge.MediaRunner.Filters;

/// <summary>
/// "pixelate": each <c>block_size</c> x <c>block_size</c> block (aligned to the top-left corner; blocks at the
/// right and bottom edges may be smaller) becomes the rounded mean of its pixels, alpha included.
/// </summary>
public sealed class PixelateFilter : IImageFilter
{
    /// <summary>block_size: integer 2..256, default 12.</summary>
    public static readonly FilterParameter BlockSizeParameter = new("block_size", 12, 2, 256, true, "block edge in pixels");

    public PixelateFilter(int blockSize)
    {
        BlockSize = (int)BlockSizeParameter.Check(blockSize);
    }

    public string Name => "pixelate";

    public int BlockSize { get; }

    public void Apply(ReadOnlySpan<byte> srcRgba, Span<byte> dstRgba, int width, int height, int stride)
    {
        FilterGuard.Check(srcRgba, dstRgba, width, height, stride);
        int bs = BlockSize;
        int blocksAcross = (width + bs - 1) / bs;
        int[] pooled = ArrayPool<int>.Shared.Rent(blocksAcross * 4);
        var sums = pooled.AsSpan(0, blocksAcross * 4);
        Span<byte> color = stackalloc byte[4];
        try
        {
            for (int by = 0; by < height; by += bs)
            {
                int rows = Math.Min(bs, height - by);
                sums.Clear();
                for (int y = by; y < by + rows; y++)
                {
                    var row = srcRgba.Slice(y * stride, width * 4);
                    for (int bx = 0, x = 0; bx < blocksAcross; bx++)
                    {
                        int end = Math.Min(x + bs, width);
                        int s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                        for (; x < end; x++)
                        {
                            s0 += row[x * 4]; s1 += row[x * 4 + 1]; s2 += row[x * 4 + 2]; s3 += row[x * 4 + 3];
                        }
                        sums[bx * 4] += s0; sums[bx * 4 + 1] += s1; sums[bx * 4 + 2] += s2; sums[bx * 4 + 3] += s3;
                    }
                }
                for (int bx = 0; bx < blocksAcross; bx++)
                {
                    int x0 = bx * bs;
                    int cols = Math.Min(bs, width - x0);
                    int count = cols * rows;
                    for (int c = 0; c < 4; c++) color[c] = (byte)((sums[bx * 4 + c] + count / 2) / count);
                    uint pixel = BitConverter.ToUInt32(color);
                    for (int y = by; y < by + rows; y++)
                    {
                        var run = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(dstRgba.Slice(y * stride + x0 * 4, cols * 4));
                        run.Fill(pixel);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(pooled);
        }
    }
}
