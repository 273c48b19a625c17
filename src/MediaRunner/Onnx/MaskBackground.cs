using System.Globalization;

namespace WebRtcBridge.MediaRunner.Onnx;

/// <summary>What replaces the frame where a mask model's mask is 0: the blurred frame, or one colour.</summary>
public sealed record MaskBackground(bool Blur, byte R, byte G, byte B)
{
    public static readonly MaskBackground BlurredFrame = new(true, 0, 0, 0);

    /// <summary>Parses <c>blur</c> or <c>R,G,B</c> (0..255 each).</summary>
    public static bool TryParse(string? text, out MaskBackground background)
    {
        background = BlurredFrame;
        if (text is null) return false;
        text = text.Trim();
        if (text.Equals("blur", StringComparison.OrdinalIgnoreCase))
        {
            background = BlurredFrame;
            return true;
        }
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 3) return false;
        Span<byte> rgb = stackalloc byte[3];
        for (var i = 0; i < 3; i++)
            if (!byte.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out rgb[i])) return false;
        background = new MaskBackground(false, rgb[0], rgb[1], rgb[2]);
        return true;
    }

    /// <summary>The colour in BT.601 limited-range YUV (libyuv's matrix, so it matches the frame conversions).</summary>
    public (byte Y, byte U, byte V) ToYuv()
    {
        // libyuv RGBToY / RGBToU / RGBToV (BT.601, studio swing).
        int y = (66 * R + 129 * G + 25 * B + 0x1080) >> 8;
        int u = (112 * B - 74 * G - 38 * R + 0x8080) >> 8;
        int v = (112 * R - 94 * G - 18 * B + 0x8080) >> 8;
        return ((byte)Math.Clamp(y, 0, 255), (byte)Math.Clamp(u, 0, 255), (byte)Math.Clamp(v, 0, 255));
    }
}
