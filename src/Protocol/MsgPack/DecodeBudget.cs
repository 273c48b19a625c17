namespace WebRtcBridge.Protocol.MsgPack;

/// <summary>
/// What one decode has spent: values against <see cref="MsgPackLimits.MaxElements"/>, and the heap bytes of the tree it
/// built (from <see cref="HeapSize"/>; a test checks the figure against the runtime's own allocation count) against
/// <see cref="MsgPackLimits.MaxTreeBytes"/> of the message's wire size. Containers are charged before they are
/// allocated; a scalar after (one scalar costs less than the factor times its own wire bytes).
/// </summary>
internal struct DecodeBudget(int maxElements, long maxBytes)
{
    public long Elements;
    public long Bytes;

    /// <summary>Charges <paramref name="count"/> values before they are read; throws when the message has too many.</summary>
    public void Take(long count, long offset)
    {
        Elements += count;
        if (Elements > maxElements)
            throw new MsgPackException($"message has more than {maxElements} values (the element budget)", offset);
    }

    public void Allocated(long bytes, long offset = -1)
    {
        Bytes += bytes;
        if (Bytes > maxBytes)
            throw new MsgPackException(
                $"decoding would take more than {maxBytes} bytes of memory ({MsgPackLimits.MaxBytesPerWireByte} per input byte, the allocation budget); nest fewer one-element containers",
                offset);
    }
}

/// <summary>Sizes of the objects a decode allocates, on a 64-bit runtime (object header and method table: 16 bytes).</summary>
internal static class HeapSize
{
    public const int Value = MsgValue.MsgValueSize;

    /// <summary>An array of references (MsgValue[]): 16 + length 8 + 8 per slot.</summary>
    public static long RefArray(long count) => 24 + 8 * count;

    /// <summary>An array of map entries (two references each).</summary>
    public static long EntryArray(long count) => 24 + 16 * count;

    /// <summary>A string: 16 + length 4 + 2 per char + the terminating char, rounded up to 8.</summary>
    public static long String(long chars) => Align(22 + 2 * chars);

    public static long ByteArray(long length) => Align(24 + length);

    private static long Align(long bytes) => (bytes + 7) & ~7L;
}
