using WebRtcBridge.MediaRunner.Imaging;
using WebRtcBridge.MediaRunner.Onnx;
using WebRtcBridge.Protocol.Binding;
using WebRtcBridge.Protocol.MsgPack;
using static WebRtcBridge.MediaRunner.Tests.Onnx.OnnxTestKit;

namespace WebRtcBridge.MediaRunner.Tests.Onnx;

public sealed class OnnxAppTests
{
    private static byte[] Jpeg(byte r, byte g, byte b, int w = 96, int h = 64)
    {
        using var image = RgbaImage.Create(w, h);
        for (var y = 0; y < h; y++) for (var x = 0; x < w; x++) image.SetPixel(x, y, r, g, b, 255);
        return JpegCodec.Encode(image, 95);
    }

    [Fact]
    public async Task The_app_serves_webrtc_http_and_realtime_and_http_returns_the_inverted_image_as_jpeg()
    {
        using var model = Load(Options("invert.onnx"));
        var app = OnnxApp.Create(model);
        Assert.Equal("test/invert", app.Id.ToString());
        Assert.NotNull(app.VideoHandlerFactory);
        Assert.IsType<OnnxFrameHandler>(app.VideoHandlerFactory!(new WebRtcBridge.MediaRunner.Apps.RealtimeCallContext { SessionId = "t", AppId = app.Id, Path = "/webrtc" }, new WebRtcBridge.MediaRunner.WebRtcSessions.VideoSessionControl()));
        Assert.Contains("/realtime", app.Realtime.Keys);

        var output = await app.Http!(MsgValue.Map(("image", Jpeg(200, 40, 90))), null!, CancellationToken.None);
        var image = output["images"][0];
        Assert.Equal("image/jpeg", image["content_type"].AsString());
        Assert.Equal((96L, 64L), (image["width"].AsInt64(), image["height"].AsInt64()));
        using var decoded = ImageCodecs.Decode(image["content"].AsBinary().Span);
        var (r, g, b, _) = decoded.GetPixel(40, 30);
        Assert.InRange(r, 55 - 6, 55 + 6);
        Assert.InRange(g, 215 - 6, 215 + 6);
        Assert.InRange(b, 165 - 6, 165 + 6);
    }

    [Fact]
    public async Task Raw_mode_over_http_returns_the_outputs_and_bad_input_names_the_field()
    {
        using var model = Load(Options("mean_raw.onnx", OnnxMode.Raw));
        var app = OnnxApp.Create(model);
        var output = await app.Http!(MsgValue.Map(("image", Jpeg(0, 255, 0))), null!, CancellationToken.None);
        Assert.Equal(1.0, output["outputs"]["mean"]["data"][1].AsDouble(), 0.03);
        var e = await Assert.ThrowsAsync<InputValidationException>(async () =>
            await app.Http!(MsgValue.Map(("image", new byte[] { 1, 2, 3 })), null!, CancellationToken.None));
        Assert.Equal("image", e.Field);
    }
}
