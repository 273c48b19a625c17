using System.Runtime.InteropServices;
using WebRtcBridge.WebRtc.Native;

namespace WebRtcBridge.MediaRunner.Native;

/// <summary>
/// P/Invoke declarations for the TurboJPEG 2.x API of libjpeg-turbo (libturbojpeg.so.0, Debian libturbojpeg0).
/// Signatures follow turbojpeg.h of libjpeg-turbo 2.1; <c>unsigned long</c> is <see cref="CULong"/>.
/// </summary>
internal static unsafe partial class TurboJpeg
{
    // enum TJPF
    public const int PixelFormatRgba = 7;
    // enum TJSAMP
    public const int Subsampling444 = 0;
    public const int Subsampling422 = 1;
    public const int Subsampling420 = 2;
    public const int SubsamplingGray = 3;
    // flags
    public const int FlagNoRealloc = 1024;
    public const int FlagFastDct = 2048;
    /// <summary>TJFLAG_LIMITSCANS (libjpeg-turbo 2.1+): a progressive JPEG with more than 500 scans fails instead of
    /// costing a full-image pass per scan (a few KB of input can otherwise keep a core busy for seconds).</summary>
    public const int FlagLimitScans = 32768;
    // enum TJERR
    public const int ErrorWarning = 0;
    public const int ErrorFatal = 1;

    [LibraryImport(NativeLibraries.TurboJpeg, EntryPoint = "tjInitCompress")]
    public static partial TurboJpegHandle InitCompress();

    [LibraryImport(NativeLibraries.TurboJpeg, EntryPoint = "tjInitDecompress")]
    public static partial TurboJpegHandle InitDecompress();

    [LibraryImport(NativeLibraries.TurboJpeg, EntryPoint = "tjDestroy")]
    public static partial int Destroy(IntPtr handle);

    [LibraryImport(NativeLibraries.TurboJpeg, EntryPoint = "tjDecompressHeader3")]
    public static partial int DecompressHeader3(TurboJpegHandle handle, byte* jpegBuf, CULong jpegSize,
        out int width, out int height, out int jpegSubsamp, out int jpegColorspace);

    [LibraryImport(NativeLibraries.TurboJpeg, EntryPoint = "tjDecompress2")]
    public static partial int Decompress2(TurboJpegHandle handle, byte* jpegBuf, CULong jpegSize,
        byte* dstBuf, int width, int pitch, int height, int pixelFormat, int flags);

    [LibraryImport(NativeLibraries.TurboJpeg, EntryPoint = "tjCompress2")]
    public static partial int Compress2(TurboJpegHandle handle, byte* srcBuf, int width, int pitch, int height,
        int pixelFormat, byte** jpegBuf, CULong* jpegSize, int jpegSubsamp, int jpegQual, int flags);

    [LibraryImport(NativeLibraries.TurboJpeg, EntryPoint = "tjCompressFromYUVPlanes")]
    public static partial int CompressFromYuvPlanes(TurboJpegHandle handle, byte** srcPlanes, int width, int* strides,
        int height, int subsamp, byte** jpegBuf, CULong* jpegSize, int jpegQual, int flags);

    [LibraryImport(NativeLibraries.TurboJpeg, EntryPoint = "tjDecompressToYUVPlanes")]
    public static partial int DecompressToYuvPlanes(TurboJpegHandle handle, byte* jpegBuf, CULong jpegSize,
        byte** dstPlanes, int width, int* strides, int height, int flags);

    [LibraryImport(NativeLibraries.TurboJpeg, EntryPoint = "tjBufSize")]
    public static partial CULong BufSize(int width, int height, int jpegSubsamp);

    [LibraryImport(NativeLibraries.TurboJpeg, EntryPoint = "tjGetErrorStr2")]
    public static partial IntPtr GetErrorStr2(TurboJpegHandle handle);

    [LibraryImport(NativeLibraries.TurboJpeg, EntryPoint = "tjGetErrorCode")]
    public static partial int GetErrorCode(TurboJpegHandle handle);

    /// <summary>The last error message of <paramref name="handle"/>.</summary>
    public static string LastError(TurboJpegHandle handle)
        => Marshal.PtrToStringUTF8(GetErrorStr2(handle)) ?? "unknown TurboJPEG error";
}

/// <summary>A TurboJPEG compressor or decompressor instance (tjhandle); tjDestroy on release.</summary>
internal sealed class TurboJpegHandle : SafeHandle
{
    public TurboJpegHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle() => TurboJpeg.Destroy(handle) == 0;
}
