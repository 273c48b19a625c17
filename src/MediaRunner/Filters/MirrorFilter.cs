using System.Runtime.InteropServices;

namespace WebRtcBridge.MediaRunner.Filters;

/// <summary>"mirror": flips the image horizontally (left becomes right).</summary>
public sealed class MirrorFilter : IImageFilter
{
    public string Name => "mirror";

    public void Apply(ReadOnlySpan<byte> srcRgba, Span<byte> dstRgba, int width, int height, int stride)
    {
        FilterGuard.Check(srcRgba, dstRgba, width, height, stride);
        int rowBytes = width * 4;
        for (int y = 0; y < height; y++)
        {
            var dst = dstRgba.Slice(y * stride, rowBytes);
            srcRgba.Slice(y * stride, rowBytes).CopyTo(dst);
            MemoryMarshal.Cast<byte, uint>(dst).Reverse(); // vectorized by the runtime
        }
    }
}
