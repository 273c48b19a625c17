namespace WebRtcBridge.MediaRunner.Filters;

/// <summary>Luma plane extraction and the 3x3 Sobel operator with clamped (repeated) borders.</summary>
internal static class Sobel
{
    /// <summary>Largest possible squared gradient magnitude: 2 * (4 * 255)^2.</summary>
    public const int MaxSquaredMagnitude = 2 * 1020 * 1020;

    /// <summary>Writes the BT.601 luma (as <see cref="GrayscaleFilter.Luma"/>) of every pixel into a packed plane.</summary>
    public static void Luma(ReadOnlySpan<byte> src, int width, int height, int stride, Span<byte> luma)
    {
        for (int y = 0; y < height; y++)
        {
            var row = src.Slice(y * stride, width * 4);
            var output = luma.Slice(y * width, width);
            for (int x = 0; x < width; x++)
                output[x] = (byte)((77 * row[x * 4] + 150 * row[x * 4 + 1] + 29 * row[x * 4 + 2] + 128) >> 8);
        }
    }

    /// <summary>gx^2 + gy^2 of the Sobel gradient for every pixel of row <paramref name="y"/>.</summary>
    public static void SquaredMagnitudeRow(ReadOnlySpan<byte> luma, int width, int height, int y, Span<int> output)
    {
        var up = luma.Slice(Math.Max(y - 1, 0) * width, width);
        var mid = luma.Slice(y * width, width);
        var down = luma.Slice(Math.Min(y + 1, height - 1) * width, width);
        int last = width - 1;
        output[0] = At(up, mid, down, 0, Math.Min(1, last), 0);
        for (int x = 1; x < last; x++)
        {
            int gx = up[x + 1] + 2 * mid[x + 1] + down[x + 1] - up[x - 1] - 2 * mid[x - 1] - down[x - 1];
            int gy = down[x - 1] + 2 * down[x] + down[x + 1] - up[x - 1] - 2 * up[x] - up[x + 1];
            output[x] = gx * gx + gy * gy;
        }
        if (last > 0) output[last] = At(up, mid, down, last - 1, last, last);
    }

    private static int At(ReadOnlySpan<byte> up, ReadOnlySpan<byte> mid, ReadOnlySpan<byte> down, int l, int r, int x)
    {
        int gx = up[r] + 2 * mid[r] + down[r] - up[l] - 2 * mid[l] - down[l];
        int gy = down[l] + 2 * down[x] + down[r] - up[l] - 2 * up[x] - up[r];
        return gx * gx + gy * gy;
    }
}
