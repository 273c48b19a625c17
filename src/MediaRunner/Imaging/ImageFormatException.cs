namespace WebRtcBridge.MediaRunner.Imaging;

/// <summary>The one exception image decoders and encoders throw for malformed, unsupported or oversized images.</summary>
public sealed class ImageFormatException : Exception
{
    public ImageFormatException(string message) : base(message) { }
    public ImageFormatException(string message, Exception inner) : base(message, inner) { }
}
