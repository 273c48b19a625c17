using WebRtcBridge.MediaRunner.Apps;
using WebRtcBridge.MediaRunner.BuiltIn;
using WebRtcBridge.MediaRunner.Filters;
using WebRtcBridge.MediaRunner.Imaging;
using WebRtcBridge.Protocol.Binding;
using WebRtcBridge.Protocol.MsgPack;

namespace WebRtcBridge.MediaRunner.Tests.BuiltIn;

/// <summary><c>bridge/filters</c> through its realtime handler, as the host calls it.</summary>
public sealed class FiltersAppTests
{
    private static readonly RealtimeCallContext Context = new() { SessionId = "t", AppId = FiltersApp.Id, Path = "/realtime" };

    private static byte[] Png(int w, int h)
    {
        using var image = RgbaImage.Create(w, h);
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
                image.SetPixel(x, y, (byte)(x * 7), (byte)(y * 5), 40, 255);
        return PngCodec.Encode(image);
    }

    private static async Task<MsgValue> Call(MsgValue input)
    {
        var endpoint = FiltersApp.Create().Realtime["/realtime"];
        await foreach (var output in endpoint.Invoke([input], Context, default)) return output;
        throw new InvalidOperationException("no output");
    }

    [Fact]
    public async Task Every_filter_runs_and_returns_an_image_of_the_right_size()
    {
        var png = Png(33, 21);
        foreach (var name in FilterRegistry.Names)
        {
            var output = await Call(MsgValue.Map(("image", png), ("filter", name)));
            var image = output["images"][0];
            Assert.Equal("image/png", image["content_type"].AsString());
            Assert.Equal(33, image["width"].AsInt64());
            Assert.Equal(21, image["height"].AsInt64());
            using var decoded = PngCodec.Decode(image["content"].AsBinary().Span);
            Assert.Equal(33, decoded.Width);
            Assert.True(output["timings"]["filter"].AsDouble() >= 0);
        }
    }

    [Fact]
    public async Task Invert_inverts_pixels_and_jpeg_output_can_be_asked_for()
    {
        var png = Png(8, 8);
        var output = await Call(MsgValue.Map(("image", png), ("filter", "invert")));
        using var inverted = PngCodec.Decode(output["images"][0]["content"].AsBinary().Span);
        Assert.Equal((255 - 21, 255 - 10, 255 - 40, 255), inverted.GetPixel(3, 2));
        var jpeg = await Call(MsgValue.Map(("image", png), ("filter", "identity"), ("output_format", "jpeg"), ("quality", 90)));
        Assert.Equal("image/jpeg", jpeg["images"][0]["content_type"].AsString());
        Assert.Equal(ImageFormat.Jpeg, ImageCodecs.Detect(jpeg["images"][0]["content"].AsBinary().Span));
    }

    [Fact]
    public async Task Json_clients_can_send_the_image_as_a_data_uri_with_numeric_parameters()
    {
        var json = $$"""{"image":"data:image/png;base64,{{Convert.ToBase64String(Png(16, 16))}}","filter":"blur","radius":3}""";
        var output = await Call(JsonMapping.FromJson(json));
        Assert.Equal(16, output["images"][0]["width"].AsInt64());
    }

    [Theory]
    [InlineData("filter", "nope")]
    [InlineData("radius", 0)]
    [InlineData("radius", "big")]
    [InlineData("output_format", "gif")]
    [InlineData("quality", 0)]
    public async Task Bad_parameters_name_the_field(string field, object value)
    {
        var input = field == "radius"
            ? MsgValue.Map(("image", Png(4, 4)), ("filter", "blur"), (field, value))
            : MsgValue.Map(("image", Png(4, 4)), ("filter", "invert"), (field, value));
        if (field == "filter") input = MsgValue.Map(("image", Png(4, 4)), ("filter", value));
        var e = await Assert.ThrowsAsync<InputValidationException>(() => Call(input));
        Assert.Equal(field, e.Field);
    }

    [Fact]
    public async Task Undecodable_and_missing_images_name_the_image_field()
    {
        Assert.Equal("image", (await Assert.ThrowsAsync<InputValidationException>(() => Call(MsgValue.Map(("image", new byte[] { 1, 2, 3 }))))).Field);
        Assert.Equal("image", (await Assert.ThrowsAsync<InputValidationException>(() => Call(MsgValue.Map(("filter", "invert"))))).Field);
        var truncatedPng = Png(10, 10)[..40];
        Assert.Equal("image", (await Assert.ThrowsAsync<InputValidationException>(() => Call(MsgValue.Map(("image", truncatedPng))))).Field);
    }
}
