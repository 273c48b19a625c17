using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace WebRtcBridge.MediaRunner.Filters;

/// <summary>Luma plane extraction and the 3x3 Sobel operator with clamped (repeated) borders.</summary>
internal static class Sobel
{
    /// <summary>Largest possible squared gradient magnitude: 2 * (4 * 255)^2.</summary>
    public const int MaxSquaredMagnitude = 2 * 1020 * 1020;

    /// <summary>Writes the BT.601 luma (as <see cref="GrayscaleFilter.Luma"/>) of every pixel into a packed plane.</summary>
    public static void Luma(ReadOnlySpan<byte> src, int width, int height, int stride, Span<byte> luma, bool vectorized = true)
    {
        for (int y = 0; y < height; y++)
        {
            var row = MemoryMarshal.Cast<byte, uint>(src.Slice(y * stride, width * 4));
            var output = luma.Slice(y * width, width);
            int x = 0;
            if (vectorized && Vector.IsHardwareAccelerated)
            {
                int lanes = Vector<uint>.Count;
                for (; x <= width - 4 * lanes; x += 4 * lanes)
                {
                    var y0 = LumaOf(new Vector<uint>(row[x..]));
                    var y1 = LumaOf(new Vector<uint>(row[(x + lanes)..]));
                    var y2 = LumaOf(new Vector<uint>(row[(x + 2 * lanes)..]));
                    var y3 = LumaOf(new Vector<uint>(row[(x + 3 * lanes)..]));
                    Vector.Narrow(Vector.Narrow(y0, y1), Vector.Narrow(y2, y3)).CopyTo(output[x..]);
                }
            }
            for (; x < width; x++)
            {
                uint p = row[x];
                output[x] = (byte)(((p & 0xFF) * 77 + ((p >> 8) & 0xFF) * 150 + ((p >> 16) & 0xFF) * 29 + 128) >> 8);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<uint> LumaOf(Vector<uint> p)
    {
        var low = new Vector<uint>(0xFF);
        var r = p & low;
        var g = Vector.ShiftRightLogical(p, 8) & low;
        var b = Vector.ShiftRightLogical(p, 16) & low;
        return Vector.ShiftRightLogical(r * 77u + g * 150u + b * 29u + new Vector<uint>(128), 8);
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
