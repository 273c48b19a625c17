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
    public static int Filter(byte type, ReadOnlySpan<byte> raw, ReadOnlySpan<byte> prior, Span<byte> output, int bpp)
    {
        int n = raw.Length;
        output = output[..n];
        prior = prior[..n];
        int head = Math.Min(bpp, n);
        switch (type)
        {
            case Sub:
                raw[..head].CopyTo(output);
                for (int i = bpp; i < n; i++) output[i] = (byte)(raw[i] - raw[i - bpp]);
                break;
            case Up:
                for (int i = 0; i < n; i++) output[i] = (byte)(raw[i] - prior[i]);
                break;
            case Average:
                for (int i = 0; i < head; i++) output[i] = (byte)(raw[i] - (prior[i] >> 1));
                for (int i = bpp; i < n; i++) output[i] = (byte)(raw[i] - ((raw[i - bpp] + prior[i]) >> 1));
                break;
            case Paeth:
                for (int i = 0; i < head; i++) output[i] = (byte)(raw[i] - prior[i]);
                for (int i = bpp; i < n; i++) output[i] = (byte)(raw[i] - PaethPredictor(raw[i - bpp], prior[i], prior[i - bpp]));
                break;
            default:
                raw.CopyTo(output);
                break;
        }
        return SumOfAbsoluteResiduals(output);
    }

    /// <summary>Sum over bytes of |(sbyte)b|.</summary>
    public static int SumOfAbsoluteResiduals(ReadOnlySpan<byte> data)
    {
        int cost = 0;
        foreach (byte b in data) cost += b < 128 ? b : 256 - b;
        return cost;
    }

    /// <summary>W3C PNG §9.4.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static byte PaethPredictor(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        if (pa <= pb && pa <= pc) return (byte)a;
        return pb <= pc ? (byte)b : (byte)c;
    }
}
