namespace WebRtcBridge.MediaRunner.Imaging;

/// <summary>PNG colour types (W3C PNG §11.2.2, IHDR).</summary>
public enum PngColorType : byte
{
    Gray = 0,
    Rgb = 2,
    Palette = 3,
    GrayAlpha = 4,
    Rgba = 6,
}
