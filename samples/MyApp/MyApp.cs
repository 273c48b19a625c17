using WebRtcBridge.MediaRunner.Apps;
using WebRtcBridge.MediaRunner.Imaging;
using WebRtcBridge.Signaling.Hosting;

namespace MyApp;

/// <summary>The input: an image (JPEG or PNG bytes; each WebRTC frame arrives as a JPEG) and how much to brighten it.</summary>
public sealed record BrightenInput(ReadOnlyMemory<byte> Image, int Amount = 60);

public sealed record ImageOut(ReadOnlyMemory<byte> Content, string ContentType, int Width, int Height);

/// <summary>The output: the image (back on the video track over WebRTC) and a figure (a <c>result</c> message there).</summary>
public sealed record BrightenOutput(IReadOnlyList<ImageOut> Images, double MeanRed);

public static class MyApp
{
    public static readonly AppId Id = new("me", "brighten");

    /// <summary>POST /me/brighten, WS /me/brighten/realtime and WS /me/brighten/webrtc.</summary>
    public static WebApplication Build(string[] args) => BridgeServer.Build(args, apps => apps.Add(
        new BridgeApp(Id, "brightens images and live video").WithHandler<BrightenInput, BrightenOutput>(Brighten)));

    public static ValueTask<BrightenOutput> Brighten(BrightenInput input, RealtimeCallContext context, CancellationToken ct)
    {
        using var image = ImageCodecs.Decode(input.Image.Span);
        long red = 0;
        var pixels = image.Pixels;
        for (var i = 0; i < pixels.Length; i += 4)
        {
            for (var c = 0; c < 3; c++) pixels[i + c] = (byte)Math.Min(255, pixels[i + c] + input.Amount);
            red += pixels[i];
        }
        var jpeg = JpegCodec.Encode(image, quality: 85);
        var mean = Math.Round(red / (double)(image.Width * image.Height), 1);
        return ValueTask.FromResult(new BrightenOutput([new ImageOut(jpeg, "image/jpeg", image.Width, image.Height)], mean));
    }

    public static void Main(string[] args) => Build(args).Run();
}
