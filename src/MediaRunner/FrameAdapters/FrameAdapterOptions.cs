namespace WebRtcBridge.MediaRunner.FrameAdapters;

/// <summary>How a video frame becomes the <c>image</c> field of a realtime input.</summary>
public enum FrameInputEncoding
{
    /// <summary>A JPEG (4:2:0, libjpeg-turbo) of the frame.</summary>
    Jpeg,
    /// <summary>Raw RGBA rows (4 bytes per pixel, no padding), with <c>width</c> and <c>height</c> fields beside it.</summary>
    Rgba,
}

/// <summary>How an app's realtime endpoint is driven by live video (see <see cref="RealtimeFrameHandler"/>).</summary>
public sealed record FrameAdapterOptions
{
    /// <summary>The realtime endpoint each frame is sent to.</summary>
    public string Endpoint { get; init; } = "/realtime";

    public FrameInputEncoding InputEncoding { get; init; } = FrameInputEncoding.Jpeg;

    /// <summary>JPEG quality of input frames, 1..100.</summary>
    public int JpegQuality { get; init; } = 85;

    /// <summary>Steps running at once; a frame arriving while all are busy waits in a slot of one (the newest wins).</summary>
    public int InFlight { get; init; } = 1;

    /// <summary>Largest output image accepted, in pixels (checked before decoding).</summary>
    public long MaxOutputPixels { get; init; } = 4096L * 4096;

    /// <summary>Messages (results, errors) waiting for the client; the oldest is dropped when full.</summary>
    public int MessageCapacity { get; init; } = 16;

    public FrameAdapterOptions Validate()
    {
        if (JpegQuality is < 1 or > 100) throw new ArgumentOutOfRangeException(nameof(JpegQuality), JpegQuality, "JPEG quality must be 1..100");
        if (InFlight is < 1 or > 64) throw new ArgumentOutOfRangeException(nameof(InFlight), InFlight, "in-flight steps must be 1..64");
        if (MaxOutputPixels < 1) throw new ArgumentOutOfRangeException(nameof(MaxOutputPixels));
        if (MessageCapacity < 1) throw new ArgumentOutOfRangeException(nameof(MessageCapacity));
        return this;
    }
}
