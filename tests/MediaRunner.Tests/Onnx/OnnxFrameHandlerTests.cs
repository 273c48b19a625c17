using WebRtcBridge.MediaRunner.Onnx;
using WebRtcBridge.Protocol.Binding;
using WebRtcBridge.Protocol.MsgPack;
using WebRtcBridge.WebRtc.Media;
using static WebRtcBridge.MediaRunner.Tests.Onnx.OnnxTestKit;

namespace WebRtcBridge.MediaRunner.Tests.Onnx;

public sealed class OnnxFrameHandlerTests
{
    // I420 -> RGBA -> model -> RGBA -> I420 and back to RGBA for the check: chroma subsampling and rounding cost a
    // few levels on a detailed picture; a wrong picture is off by 60 and more.
    private const double Tolerance = 6;

    [Theory]
    [InlineData("invert.onnx", TensorLayout.Nchw)]
    [InlineData("invert_nhwc.onnx", TensorLayout.Nhwc)]
    public async Task Image_mode_inverts_every_pixel_with_the_invert_model(string file, TensorLayout layout)
    {
        using var model = Load(Options(file) with { Layout = layout });
        var handler = new OnnxFrameHandler(model);
        using var input = Pattern(160, 120, 3);
        var (frame, result) = await RunAsync(handler, input);
        using var output = Assert.IsType<VideoFrame>(frame);
        Assert.Null(result);
        Assert.Equal((160, 120), (output.Width, output.Height));
        var sent = Rgba(input);
        var got = Rgba(output);
        Assert.InRange(MeanError(got, sent, 160, 0, 160, (_, v) => (byte)(255 - v)), 0, Tolerance);
        Assert.True(MeanError(got, sent, 160, 0, 160) > 60, "the output must differ from the input");
    }

    [Fact]
    public async Task A_fixed_size_model_gets_the_frame_resized_in_and_its_output_resized_back()
    {
        using var model = Load(Options("invert_fixed.onnx")); // 64x48
        var handler = new OnnxFrameHandler(model);
        using var input = Solid(320, 240, 200, 40, 90);
        var (frame, _) = await RunAsync(handler, input);
        using var output = frame!;
        Assert.Equal((320, 240), (output.Width, output.Height));
        Assert.InRange(MeanError(Rgba(output), Rgba(input), 320, 0, 320, (_, v) => (byte)(255 - v)), 0, 3);
    }

    [Fact]
    public async Task The_blur_model_smooths_one_pixel_stripes_to_grey()
    {
        using var model = Load(Options("blur3.onnx"));
        var handler = new OnnxFrameHandler(model);
        using var input = VideoFrame.Create(64, 64);
        input.Fill(128, 128, 128);
        var y = input.Y;
        for (var i = 0; i < y.Length; i++) y[i] = (i % 64) % 2 == 0 ? (byte)16 : (byte)235; // black/white columns
        var (frame, _) = await RunAsync(handler, input);
        using var output = frame!;
        var rgba = Rgba(output);
        // Away from the zero-padded border every pixel is a third or two thirds white: 85 or 170, never 0 or 255.
        for (var row = 2; row < 62; row++)
            for (var col = 2; col < 62; col++)
                Assert.InRange(rgba[(row * 64 + col) * 4], 70, 185);
    }

    [Theory]
    [InlineData("0,255,0")]
    [InlineData("255,0,255")]
    public async Task Mask_mode_keeps_the_frame_where_the_mask_is_1_and_shows_the_background_colour_elsewhere(string colour)
    {
        using var model = Load(Options("mask_left.onnx", OnnxMode.Mask) with { Background = colour }); // 160x120, left half 1
        var handler = new OnnxFrameHandler(model);
        using var input = Pattern(640, 480, 5);
        var (frame, _) = await RunAsync(handler, input);
        using var output = frame!;
        Assert.Equal((640, 480), (output.Width, output.Height));
        var sent = Rgba(input);
        var got = Rgba(output);
        var rgb = colour.Split(',').Select(byte.Parse).ToArray();
        Assert.InRange(MeanError(got, sent, 640, 0, 300), 0, 1); // left half: the frame itself (a margin for the mask's edge)
        Assert.InRange(MeanError(got, sent, 640, 340, 640, (i, _) => rgb[i % 4]), 0, 4); // right half: the colour
    }

    [Fact]
    public async Task Mask_mode_blur_background_blurs_the_right_half_only_and_params_switch_the_background()
    {
        using var model = Load(Options("mask_left.onnx", OnnxMode.Mask));
        var handler = new OnnxFrameHandler(model);
        Assert.True(handler.Background.Blur);
        using var input = Pattern(640, 480, 5);
        var (frame, _) = await RunAsync(handler, input);
        using var blurred = frame!;
        var sent = Rgba(input);
        var got = Rgba(blurred);
        Assert.InRange(MeanError(got, sent, 640, 0, 300), 0, 1);
        Assert.True(MeanError(got, sent, 640, 340, 640) > 10, "the right half must be blurred (the pattern's fine texture gone)");
        // A blurred picture of a smooth frame is that frame: a solid frame stays solid everywhere.
        using var solid = Solid(640, 480, 30, 160, 220);
        var (flat, _) = await RunAsync(handler, solid);
        using (flat) Assert.InRange(MeanError(Rgba(flat!), Rgba(solid), 640, 0, 640), 0, 2);

        handler.UpdateParameters(new Dictionary<string, MsgValue> { ["background"] = "0,0,255", ["filter"] = "invert" });
        var (blue, _) = await RunAsync(handler, input);
        using (blue) Assert.InRange(MeanError(Rgba(blue!), sent, 640, 340, 640, (i, _) => i % 4 == 2 ? (byte)255 : (byte)0), 0, 4);
        var e = Assert.Throws<InputValidationException>(() => handler.UpdateParameters(new Dictionary<string, MsgValue> { ["background"] = "purple" }));
        Assert.Equal("background", e.Field);
    }

    [Fact]
    public async Task Raw_mode_passes_the_frame_through_and_sends_the_outputs_as_a_result_message()
    {
        using var model = Load(Options("mean_raw.onnx", OnnxMode.Raw));
        var handler = new OnnxFrameHandler(model);
        using var input = Solid(64, 48, 255, 128, 0);
        input.FrameNumber = 42;
        var (frame, result) = await RunAsync(handler, input);
        Assert.Same(input, frame);
        var message = Assert.IsType<MsgValue>(result);
        Assert.Equal("result", message["type"].AsString());
        Assert.Equal(42, message["frame"].AsInt64());
        var mean = message["outputs"]["mean"];
        Assert.Equal([1L, 3L], mean["shape"].AsArray().Select(v => v.AsInt64()));
        var data = mean["data"].AsArray().Select(v => v.AsDouble()).ToArray();
        Assert.Equal(1.0, data[0], 0.02);
        Assert.Equal(128 / 255.0, data[1], 0.02);
        Assert.Equal(0.0, data[2], 0.02);
        Assert.Equal(1.0, message["outputs"]["max"]["data"].AsArray()[0].AsDouble(), 0.02);
        Assert.Equal(MsgValueKind.Nil, mean["truncated"].Kind);
    }

    [Fact]
    public async Task Raw_mode_caps_the_values_per_message_and_says_where_it_cut()
    {
        using var model = Load(Options("mean_raw.onnx", OnnxMode.Raw) with { MaxResultValues = 2 });
        var handler = new OnnxFrameHandler(model);
        using var input = Solid(32, 32, 10, 20, 30);
        var (_, result) = await RunAsync(handler, input);
        var outputs = result!["outputs"];
        Assert.Equal(2, outputs["mean"]["data"].AsArray().Count);
        Assert.True(outputs["mean"]["truncated"].AsBool());
        Assert.Empty(outputs["max"]["data"].AsArray());
        Assert.True(outputs["max"]["truncated"].AsBool());
    }
}
