namespace WebRtcBridge.MediaRunner.Imaging;

/// <summary>Encoded image formats recognised by <see cref="ImageCodecs.Detect"/>.</summary>
public enum ImageFormat
{
    Unknown = 0,
    Jpeg,
    Png,
}
