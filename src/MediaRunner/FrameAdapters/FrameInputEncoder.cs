using WebRtcBridge.MediaRunner.Imaging;
using WebRtcBridge.Protocol.MsgPack;
using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.MediaRunner.FrameAdapters;

/// <summary>
/// A video frame as a realtime input map: <c>{image: JPEG bytes, ...params}</c> or
/// <c>{image: RGBA bytes, width, height, ...params}</c>. The image bytes live in the caller's buffer (reused per
/// step), so the map is valid until the buffer is reset.
/// </summary>
internal static class FrameInputEncoder
{
    public const string ImageField = "image";

    public static MsgValue Encode(VideoFrame frame, FrameAdapterOptions options,
        IReadOnlyList<KeyValuePair<string, MsgValue>> parameters, PooledBufferWriter buffer)
    {
        buffer.Reset();
        var entries = new List<KeyValuePair<string, MsgValue>>(parameters.Count + 3);
        if (options.InputEncoding == FrameInputEncoding.Jpeg)
        {
            JpegCodec.EncodeI420(frame, buffer, options.JpegQuality);
        }
        else
        {
            var stride = frame.Width * 4;
            var length = stride * frame.Height;
            frame.CopyToPacked(buffer.GetSpan(length)[..length], stride, PackedPixelLayout.Rgba);
            buffer.Advance(length);
            entries.Add(new("width", frame.Width));
            entries.Add(new("height", frame.Height));
        }
        entries.Add(new(ImageField, MsgValue.FromBinary(buffer.WrittenMemory)));
        foreach (var p in parameters)
            if (p.Key is not (ImageField or "width" or "height")) entries.Add(p);
        return MsgValue.FromMap(entries);
    }
}
