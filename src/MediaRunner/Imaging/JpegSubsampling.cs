namespace WebRtcBridge.MediaRunner.Imaging;

/// <summary>Chroma subsampling of an encoded JPEG (values are TurboJPEG's TJSAMP).</summary>
public enum JpegSubsampling
{
    /// <summary>No chroma subsampling.</summary>
    Yuv444 = 0,
    /// <summary>Half horizontal chroma resolution.</summary>
    Yuv422 = 1,
    /// <summary>Half horizontal and vertical chroma resolution (the usual choice for photos and video).</summary>
    Yuv420 = 2,
    /// <summary>Luma only.</summary>
    Gray = 3,
}
