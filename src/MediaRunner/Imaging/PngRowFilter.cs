using System.Numerics;
using System.Runtime.CompilerServices;

namespace WebRtcBridge.MediaRunner.Imaging;

/// <summary>PNG filter method 0: the five per-scanline filter types (W3C PNG §9, RFC 2083 §6).</summary>
internal static class PngRowFilter
{
    public const byte None = 0, Sub = 1, Up = 2, Average = 3, Paeth = 4;

    /// <summary>Reverses filter <paramref name="type"/> on <paramref name="row"/> in place; <paramref name="prior"/> is the previous unfiltered row (zeros for the first).</summary>
    public static void Unfilter(byte type, Span<byte> row, ReadOnlySpan<byte> prior, int bpp)
    {
        int n = row.Length;
        switch (type)
        {
            case None:
                return;
            case Sub:
                for (int i = bpp; i < n; i++) row[i] += row[i - bpp];
                return;
            case Up:
                for (int i = 0; i < n; i++) row[i] += prior[i];
                return;
            case Average:
                for (int i = 0; i < bpp && i < n; i++) row[i] += (byte)(prior[i] >> 1);
                for (int i = bpp; i < n; i++) row[i] += (byte)((row[i - bpp] + prior[i]) >> 1);
                return;
            case Paeth:
                for (int i = 0; i < bpp && i < n; i++) row[i] += prior[i]; // PaethPredictor(0, b, 0) == b
                for (int i = bpp; i < n; i++) row[i] += PaethPredictor(row[i - bpp], prior[i], prior[i - bpp]);
                return;
            default:
                throw new ImageFormatException($"invalid PNG filter type {type}");
        }
    }

    /// <summary>Applies filter <paramref name="type"/> to <paramref name="raw"/> into <paramref name="output"/> and returns the sum of absolute signed residuals (the W3C §12.8 heuristic).</summary>
    /// <remarks>When filtering (unlike unfiltering) every input is known, so all filter types vectorize: bytes
    /// from <paramref name="bpp"/> on are done <see cref="Vector{T}"/>-wide when <paramref name="vectorized"/>.</remarks>
    public static int Filter(byte type, ReadOnlySpan<byte> raw, ReadOnlySpan<byte> prior, Span<byte> output, int bpp,
        bool vectorized = true)
    {
        int n = raw.Length;
        output = output[..n];
        prior = prior[..n];
        int head = Math.Min(bpp, n);
        int i = bpp;
        bool simd = vectorized && Vector.IsHardwareAccelerated;
        int step = Vector<byte>.Count;
        switch (type)
        {
            case Sub:
                raw[..head].CopyTo(output);
                if (simd)
                    for (; i <= n - step; i += step)
                        (new Vector<byte>(raw[i..]) - new Vector<byte>(raw[(i - bpp)..])).CopyTo(output[i..]);
                for (; i < n; i++) output[i] = (byte)(raw[i] - raw[i - bpp]);
                break;
            case Up:
                i = 0;
                if (simd)
                    for (; i <= n - step; i += step)
                        (new Vector<byte>(raw[i..]) - new Vector<byte>(prior[i..])).CopyTo(output[i..]);
                for (; i < n; i++) output[i] = (byte)(raw[i] - prior[i]);
                break;
            case Average:
                for (int k = 0; k < head; k++) output[k] = (byte)(raw[k] - (prior[k] >> 1));
                if (simd)
                    for (; i <= n - step; i += step)
                    {
                        var a = new Vector<byte>(raw[(i - bpp)..]);
                        var b = new Vector<byte>(prior[i..]);
                        var floorMean = (a & b) + Vector.ShiftRightLogical(a ^ b, 1); // (a + b) >> 1 without overflow
                        (new Vector<byte>(raw[i..]) - floorMean).CopyTo(output[i..]);
                    }
                for (; i < n; i++) output[i] = (byte)(raw[i] - ((raw[i - bpp] + prior[i]) >> 1));
                break;
            case Paeth:
                for (int k = 0; k < head; k++) output[k] = (byte)(raw[k] - prior[k]);
                if (simd)
                    for (; i <= n - step; i += step)
                    {
                        var a = new Vector<byte>(raw[(i - bpp)..]);
                        var b = new Vector<byte>(prior[i..]);
                        var c = new Vector<byte>(prior[(i - bpp)..]);
                        Vector.Widen(a, out var a0, out var a1);
                        Vector.Widen(b, out var b0, out var b1);
                        Vector.Widen(c, out var c0, out var c1);
                        var predicted = Vector.Narrow(PaethVector(a0, b0, c0), PaethVector(a1, b1, c1));
                        (new Vector<byte>(raw[i..]) - predicted).CopyTo(output[i..]);
                    }
                for (; i < n; i++) output[i] = (byte)(raw[i] - PaethPredictor(raw[i - bpp], prior[i], prior[i - bpp]));
                break;
            default:
                raw.CopyTo(output);
                break;
        }
        return SumOfAbsoluteResiduals(output, vectorized);
    }

    /// <summary>W3C PNG §9.4 on 16-bit lanes: pa = |b - c|, pb = |a - c|, pc = |a + b - 2c|.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<ushort> PaethVector(Vector<ushort> a, Vector<ushort> b, Vector<ushort> c)
    {
        var sa = Vector.AsVectorInt16(a);
        var sb = Vector.AsVectorInt16(b);
        var sc = Vector.AsVectorInt16(c);
        var pa = Vector.Abs(sb - sc);
        var pb = Vector.Abs(sa - sc);
        var pc = Vector.Abs(sa + sb - sc - sc);
        var useA = Vector.LessThanOrEqual(pa, pb) & Vector.LessThanOrEqual(pa, pc);
        var useB = Vector.LessThanOrEqual(pb, pc);
        return Vector.AsVectorUInt16(Vector.ConditionalSelect(useA, sa, Vector.ConditionalSelect(useB, sb, sc)));
    }

    /// <summary>Sum over bytes of |(sbyte)b|.</summary>
    public static int SumOfAbsoluteResiduals(ReadOnlySpan<byte> data, bool vectorized = true)
    {
        int cost = 0, i = 0;
        if (vectorized && Vector.IsHardwareAccelerated)
        {
            int step = Vector<byte>.Count;
            var total = Vector<uint>.Zero;
            while (i <= data.Length - step)
            {
                // each round adds at most 2 * 128 to a ushort lane: 255 rounds stay below 65536
                var acc = Vector<ushort>.Zero;
                for (int round = 0; round < 255 && i <= data.Length - step; round++, i += step)
                {
                    var magnitude = Vector.AsVectorByte(Vector.Abs(Vector.AsVectorSByte(new Vector<byte>(data[i..]))));
                    Vector.Widen(magnitude, out var lo, out var hi);
                    acc += lo + hi;
                }
                Vector.Widen(acc, out var wlo, out var whi);
                total += wlo + whi;
            }
            cost = (int)Vector.Sum(total);
        }
        for (; i < data.Length; i++)
        {
            byte b = data[i];
            cost += b < 128 ? b : 256 - b;
        }
        return cost;
    }

    /// <summary>W3C PNG §9.4.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte PaethPredictor(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        if (pa <= pb && pa <= pc) return (byte)a;
        return pb <= pc ? (byte)b : (byte)c;
    }
}
