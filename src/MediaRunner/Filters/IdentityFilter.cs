namespace WebRtcBridge.MediaRunner.Filters;

/// <summary>"identity": copies the image unchanged.</summary>
public sealed class IdentityFilter : IImageFilter
{
    public string Name => "identity";

    public void Apply(ReadOnlySpan<byte> srcRgba, Span<byte> dstRgba, int width, int height, int stride)
    {
        FilterGuard.Check(srcRgba, dstRgba, width, height, stride);
        int rowBytes = width * 4;
        if (rowBytes == stride)
        {
            srcRgba[..(stride * (height - 1) + rowBytes)].CopyTo(dstRgba);
            return;
        }
        for (int y = 0; y < height; y++)
            srcRgba.Slice(y * stride, rowBytes).CopyTo(dstRgba.Slice(y * stride, rowBytes));
    }
}
