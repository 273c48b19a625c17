namespace WebRtcBridge.MediaRunner.Filters;

/// <summary>Argument checks shared by all filters.</summary>
internal static class FilterGuard
{
    public static void Check(ReadOnlySpan<byte> src, ReadOnlySpan<byte> dst, int width, int height, int stride)
    {
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), $"invalid size {width}x{height}");
        if (stride < width * 4L) throw new ArgumentOutOfRangeException(nameof(stride), "stride is less than width * 4");
        long needed = (long)stride * (height - 1) + width * 4L;
        if (src.Length < needed) throw new ArgumentException("source span too short", nameof(src));
        if (dst.Length < needed) throw new ArgumentException("destination span too short", nameof(dst));
        if (src.Overlaps(dst)) throw new ArgumentException("source and destination must not overlap", nameof(dst));
    }
}
