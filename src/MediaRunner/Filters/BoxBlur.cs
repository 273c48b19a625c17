using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace WebRtcBridge.MediaRunner.Filters;

/// <summary>
/// Separable box blur on RGBA (all four channels), edges clamped (edge pixels repeat). Each pass keeps a running
/// window sum, so the cost per pixel does not depend on the radius. The horizontal pass works one pixel (4 channels)
/// per <see cref="Vector128{T}"/>; the vertical pass runs down columns of running sums with <see cref="Vector{T}"/>.
/// The average is (sum * m + 2^19) >> 20 with m = round(2^20 / (2r + 1)), identical in the scalar and vector paths.
/// </summary>
internal static class BoxBlur
{
    // sum <= 255 * d, so sum * round(2^20 / d) + 2^19 < 2^29: no overflow for any radius
    private const int Shift = 20;
    private const int Half = 1 << (Shift - 1);

    public static void Apply(ReadOnlySpan<byte> src, Span<byte> dst, int width, int height, int stride, int radius, bool vectorized)
    {
        int rowBytes = width * 4;
        int diameter = 2 * radius + 1;
        int multiplier = ((1 << Shift) + diameter / 2) / diameter;
        byte[] temp = ArrayPool<byte>.Shared.Rent(rowBytes * height);
        int[] sums = ArrayPool<int>.Shared.Rent(rowBytes);
        try
        {
            for (int y = 0; y < height; y++)
            {
                var srcRow = src.Slice(y * stride, rowBytes);
                var tempRow = temp.AsSpan(y * rowBytes, rowBytes);
                if (vectorized && Vector128.IsHardwareAccelerated) HorizontalVector(srcRow, tempRow, width, radius, multiplier);
                else HorizontalScalar(srcRow, tempRow, width, radius, multiplier);
            }
            Vertical(temp, dst, width, height, stride, radius, multiplier, sums.AsSpan(0, rowBytes), vectorized);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(temp);
            ArrayPool<int>.Shared.Return(sums);
        }
    }

    private static void HorizontalScalar(ReadOnlySpan<byte> row, Span<byte> output, int width, int radius, int m)
    {
        int last = width - 1;
        int s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (int i = -radius; i <= radius; i++)
        {
            int p = Math.Clamp(i, 0, last) * 4;
            s0 += row[p]; s1 += row[p + 1]; s2 += row[p + 2]; s3 += row[p + 3];
        }
        for (int x = 0; x < width; x++)
        {
            int o = x * 4;
            output[o] = (byte)((s0 * m + Half) >> Shift);
            output[o + 1] = (byte)((s1 * m + Half) >> Shift);
            output[o + 2] = (byte)((s2 * m + Half) >> Shift);
            output[o + 3] = (byte)((s3 * m + Half) >> Shift);
            int a = Math.Min(x + radius + 1, last) * 4;
            int r = Math.Max(x - radius, 0) * 4;
            s0 += row[a] - row[r]; s1 += row[a + 1] - row[r + 1]; s2 += row[a + 2] - row[r + 2]; s3 += row[a + 3] - row[r + 3];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> LoadPixel(ref byte row, int x)
    {
        uint p = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref row, x * 4));
        return Vector128.WidenLower(Vector128.WidenLower(Vector128.CreateScalarUnsafe(p).AsByte())).AsInt32();
    }

    private static void HorizontalVector(ReadOnlySpan<byte> row, Span<byte> output, int width, int radius, int m)
    {
        ref byte src = ref MemoryMarshal.GetReference(row);
        ref byte dst = ref MemoryMarshal.GetReference(output);
        int last = width - 1;
        var sum = Vector128<int>.Zero;
        for (int i = -radius; i <= radius; i++) sum += LoadPixel(ref src, Math.Clamp(i, 0, last));
        var mul = Vector128.Create(m);
        var half = Vector128.Create(Half);
        for (int x = 0; x < width; x++)
        {
            var avg = Vector128.ShiftRightArithmetic(sum * mul + half, Shift).AsUInt32();
            var bytes = Vector128.Narrow(Vector128.Narrow(avg, avg), Vector128<ushort>.Zero);
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, x * 4), bytes.AsUInt32().ToScalar());
            int a = x + radius + 1, r = x - radius;
            sum += LoadPixel(ref src, a < last ? a : last) - LoadPixel(ref src, r > 0 ? r : 0);
        }
    }

    private static void Vertical(ReadOnlySpan<byte> temp, Span<byte> dst, int width, int height, int stride, int radius,
        int m, Span<int> sums, bool vectorized)
    {
        int rowBytes = width * 4;
        int last = height - 1;
        sums.Clear();
        for (int i = -radius; i <= radius; i++)
        {
            var row = temp.Slice(Math.Clamp(i, 0, last) * rowBytes, rowBytes);
            for (int k = 0; k < rowBytes; k++) sums[k] += row[k];
        }
        var mul = new Vector<int>(m);
        var half = new Vector<int>(Half);
        int step = Vector<byte>.Count, lanes = Vector<int>.Count;
        for (int y = 0; y < height; y++)
        {
            var add = temp.Slice(Math.Min(y + radius + 1, last) * rowBytes, rowBytes);
            var sub = temp.Slice(Math.Max(y - radius, 0) * rowBytes, rowBytes);
            var output = dst.Slice(y * stride, rowBytes);
            int k = 0;
            if (vectorized && Vector.IsHardwareAccelerated)
            {
                for (; k <= rowBytes - step; k += step)
                {
                    Vector.Widen(new Vector<byte>(add[k..]), out var a0, out var a1);
                    Vector.Widen(new Vector<byte>(sub[k..]), out var r0, out var r1);
                    Vector.Widen(a0, out var a00, out var a01);
                    Vector.Widen(a1, out var a10, out var a11);
                    Vector.Widen(r0, out var r00, out var r01);
                    Vector.Widen(r1, out var r10, out var r11);
                    var s = sums.Slice(k, step);
                    var s0 = new Vector<int>(s);
                    var s1 = new Vector<int>(s[lanes..]);
                    var s2 = new Vector<int>(s[(2 * lanes)..]);
                    var s3 = new Vector<int>(s[(3 * lanes)..]);
                    var o0 = Vector.AsVectorUInt32(Vector.ShiftRightArithmetic(s0 * mul + half, Shift));
                    var o1 = Vector.AsVectorUInt32(Vector.ShiftRightArithmetic(s1 * mul + half, Shift));
                    var o2 = Vector.AsVectorUInt32(Vector.ShiftRightArithmetic(s2 * mul + half, Shift));
                    var o3 = Vector.AsVectorUInt32(Vector.ShiftRightArithmetic(s3 * mul + half, Shift));
                    Vector.Narrow(Vector.Narrow(o0, o1), Vector.Narrow(o2, o3)).CopyTo(output[k..]);
                    (s0 + Vector.AsVectorInt32(a00) - Vector.AsVectorInt32(r00)).CopyTo(s);
                    (s1 + Vector.AsVectorInt32(a01) - Vector.AsVectorInt32(r01)).CopyTo(s[lanes..]);
                    (s2 + Vector.AsVectorInt32(a10) - Vector.AsVectorInt32(r10)).CopyTo(s[(2 * lanes)..]);
                    (s3 + Vector.AsVectorInt32(a11) - Vector.AsVectorInt32(r11)).CopyTo(s[(3 * lanes)..]);
                }
            }
            for (; k < rowBytes; k++)
            {
                int s = sums[k];
                output[k] = (byte)((s * m + Half) >> Shift);
                sums[k] = s + add[k] - sub[k];
            }
        }
    }
}
