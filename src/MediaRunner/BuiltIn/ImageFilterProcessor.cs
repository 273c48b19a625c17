using System.Buffers;
using System.Diagnostics;
using WebRtcBridge.MediaRunner.Filters;
using WebRtcBridge.MediaRunner.Imaging;
using WebRtcBridge.Protocol.Binding;

namespace WebRtcBridge.MediaRunner.BuiltIn;

/// <summary>One filtered, encoded image and what each stage cost.</summary>
public sealed record FilteredImage(byte[] Content, string ContentType, int Width, int Height,
    double DecodeMs, double FilterMs, double EncodeMs);

/// <summary>
/// Encoded image in, filtered encoded image out: decode (JPEG or PNG), apply a named filter, encode (the input's
/// format unless another is asked). Bad images and bad parameters become <see cref="InputValidationException"/>s
/// naming the field.
/// </summary>
public static class ImageFilterProcessor
{
    public const string ImageField = "image";

    /// <summary>Largest image accepted (4096 x 4096): a small JPEG may declare a huge size.</summary>
    public const long MaxPixels = 4096L * 4096;

    public static FilteredImage Process(ReadOnlySpan<byte> encoded, string filterName,
        IReadOnlyDictionary<string, double> parameters, ImageFormat? outputFormat = null, int quality = 85)
    {
        var filter = FilterSelection.Create(filterName, parameters);
        var format = ImageCodecs.Detect(encoded);
        if (format == ImageFormat.Unknown)
            throw new InputValidationException(ImageField, "image must be JPEG or PNG bytes");
        var t0 = Stopwatch.GetTimestamp();
        RgbaImage source;
        try
        {
            source = ImageCodecs.Decode(encoded, MaxPixels);
        }
        catch (ImageFormatException e)
        {
            throw new InputValidationException(ImageField, "image could not be decoded: " + e.Message);
        }
        using (source)
        {
            var t1 = Stopwatch.GetTimestamp();
            using var result = filter.Apply(source);
            var t2 = Stopwatch.GetTimestamp();
            var target = outputFormat ?? format;
            var output = new ArrayBufferWriter<byte>(Math.Max(1024, encoded.Length));
            if (target == ImageFormat.Jpeg) JpegCodec.Encode(result, output, quality);
            else PngCodec.Encode(result, output);
            var t3 = Stopwatch.GetTimestamp();
            return new FilteredImage(output.WrittenSpan.ToArray(), target == ImageFormat.Jpeg ? "image/jpeg" : "image/png",
                result.Width, result.Height,
                Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds,
                Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds,
                Stopwatch.GetElapsedTime(t2, t3).TotalMilliseconds);
        }
    }
}
