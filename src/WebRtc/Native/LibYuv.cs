using System.Runtime.InteropServices;

namespace WebRtcBridge.WebRtc.Native;

/// <summary>
/// libyuv (libyuv.so.0) P/Invoke declarations. Naming trap: libyuv names packed formats by the little-endian 32-bit
/// word, so "ABGR" is bytes R,G,B,A in memory (what everyone else calls RGBA) and "ARGB" is bytes B,G,R,A (BGRA).
/// All functions return 0 on success, -1 on bad arguments.
/// </summary>
internal static unsafe class LibYuv
{
    /// <summary>libyuv FilterMode.</summary>
    public const int kFilterNone = 0, kFilterLinear = 1, kFilterBilinear = 2, kFilterBox = 3;

    /// <summary>Memory R,G,B,A -> I420.</summary>
    [DllImport(NativeLibraries.Yuv, ExactSpelling = true)]
    public static extern int ABGRToI420(byte* srcAbgr, int srcStride, byte* y, int strideY, byte* u, int strideU,
        byte* v, int strideV, int width, int height);

    /// <summary>Memory B,G,R,A -> I420.</summary>
    [DllImport(NativeLibraries.Yuv, ExactSpelling = true)]
    public static extern int ARGBToI420(byte* srcArgb, int srcStride, byte* y, int strideY, byte* u, int strideU,
        byte* v, int strideV, int width, int height);

    /// <summary>I420 -> memory R,G,B,A.</summary>
    [DllImport(NativeLibraries.Yuv, ExactSpelling = true)]
    public static extern int I420ToABGR(byte* y, int strideY, byte* u, int strideU, byte* v, int strideV,
        byte* dstAbgr, int dstStride, int width, int height);

    /// <summary>I420 -> memory B,G,R,A.</summary>
    [DllImport(NativeLibraries.Yuv, ExactSpelling = true)]
    public static extern int I420ToARGB(byte* y, int strideY, byte* u, int strideU, byte* v, int strideV,
        byte* dstArgb, int dstStride, int width, int height);

    [DllImport(NativeLibraries.Yuv, ExactSpelling = true)]
    public static extern int I420Copy(byte* srcY, int srcStrideY, byte* srcU, int srcStrideU, byte* srcV, int srcStrideV,
        byte* dstY, int dstStrideY, byte* dstU, int dstStrideU, byte* dstV, int dstStrideV, int width, int height);

    [DllImport(NativeLibraries.Yuv, ExactSpelling = true)]
    public static extern int I420Scale(byte* srcY, int srcStrideY, byte* srcU, int srcStrideU, byte* srcV, int srcStrideV,
        int srcWidth, int srcHeight,
        byte* dstY, int dstStrideY, byte* dstU, int dstStrideU, byte* dstV, int dstStrideV,
        int dstWidth, int dstHeight, int filtering);
}
