using WebRtcBridge.MediaRunner.Imaging;

namespace WebRtcBridge.MediaRunner.Tests.Imaging;

/// <summary>TJFLAG_LIMITSCANS: a progressive JPEG with more than 500 scans is refused, not decoded scan by scan.</summary>
public class JpegScanLimitTests
{
    // A 16x16 grayscale progressive JPEG with two scans (DC, then AC 1..63 at full precision), made with libjpeg-turbo:
    //   printf '0: 0 0 0 0;\n0: 1 63 0 0;\n' > s.txt; cjpeg -grayscale -scans s.txt -outfile p.jpg gradient.pgm
    private const string TwoScans = "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wgALCAAQABABAREA/8QAFQABAQAAAAAAAAAAAAAAAAAABwj/2gAIAQEAAAAAOqBBqB//xAAXEAADAQAAAAAAAAAAAAAAAAAAAgYz/9oACAEBAAE/AI5MyOTMjkzI5Mz/2Q==";

    /// <summary>The two-scan image with its last scan repeated: a valid progression (each repeat redoes the full AC
    /// band), so every decoder without a scan limit decodes it, one full pass per scan.</summary>
    private static byte[] WithScans(int repeats)
    {
        var jpeg = Convert.FromBase64String(TwoScans);
        var sos = LastIndexOf(jpeg, 0xFF, 0xDA);
        var eoi = LastIndexOf(jpeg, 0xFF, 0xD9);
        var scan = jpeg[sos..eoi];
        var result = new List<byte>(jpeg[..eoi]);
        for (var i = 0; i < repeats; i++) result.AddRange(scan);
        result.AddRange(jpeg[eoi..]);
        return result.ToArray();
    }

    private static int LastIndexOf(byte[] data, byte a, byte b)
    {
        for (var i = data.Length - 2; i >= 0; i--)
            if (data[i] == a && data[i + 1] == b) return i;
        throw new InvalidOperationException("marker not found");
    }

    [Fact]
    public void A_progressive_jpeg_within_the_scan_limit_decodes()
    {
        using var image = JpegCodec.Decode(WithScans(400));
        Assert.Equal(16, image.Width);
    }

    [Fact]
    public void A_progressive_jpeg_with_more_than_500_scans_is_refused()
    {
        var e = Assert.Throws<ImageFormatException>(() => JpegCodec.Decode(WithScans(700)));
        Assert.Contains("500 scans", e.Message);
    }
}
