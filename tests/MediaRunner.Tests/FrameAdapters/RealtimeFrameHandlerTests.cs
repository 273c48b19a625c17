using SkiaSharp;
using WebRtcBridge.MediaRunner.Apps;
using WebRtcBridge.MediaRunner.BuiltIn;
using WebRtcBridge.MediaRunner.FrameAdapters;
using WebRtcBridge.MediaRunner.Imaging;
using WebRtcBridge.Protocol.MsgPack;
using WebRtcBridge.Protocol.Realtime;

namespace WebRtcBridge.MediaRunner.Tests.FrameAdapters;

public sealed class RealtimeFrameHandlerTests
{
    private static MsgValue ImageAnswer(byte[] content, params (string, object?)[] extra)
        => MsgValue.FromMap(new List<KeyValuePair<string, MsgValue>>(extra.Select(e => new KeyValuePair<string, MsgValue>(e.Item1, MsgValue.From(e.Item2))))
        {
            new("images", MsgValue.Array(MsgValue.Map(("content", content), ("content_type", "image/png")))),
        });

    private static RgbaImage Gray(byte value, int width = 32, int height = 24)
    {
        var image = RgbaImage.Create(width, height);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++) image.SetPixel(x, y, value, value, value, 255);
        return image;
    }

    [Fact]
    public async Task In_flight_steps_are_bounded_and_the_newest_waiting_frame_wins()
    {
        var runner = new ScriptedRunner();
        var sink = new RecordingSink();
        await using var handler = new RealtimeFrameHandler(runner, new FrameAdapterOptions { InFlight = 2 });
        for (var n = 1; n <= 6; n++) await Frames.Offer(handler, sink, Frames.Make(n));
        var first = runner.WaitPending();
        var second = runner.WaitPending();
        Assert.Equal(2, handler.InFlightNow);
        Assert.Equal(3, handler.Dropped); // 3, 4 and 5 were replaced by a newer waiting frame; 6 waits
        Assert.True(runner.Pending.IsEmpty);

        using var png = Gray(200);
        var answer = ImageAnswer(PngCodec.Encode(png));
        first.Done.SetResult(answer);
        Assert.Equal(1, sink.Next().FrameNumber); // answers carry the timestamps of the frame they answer
        var third = runner.WaitPending();        // the freed step took the waiting frame at once
        second.Done.SetResult(answer);
        Assert.Equal(2, sink.Next().FrameNumber);
        third.Done.SetResult(answer);
        var last = sink.Next();
        Assert.Equal(6, last.FrameNumber);
        Assert.True(last.Answer);
        Assert.Equal(3, runner.Calls);
        Assert.Equal(2, runner.MaxConcurrent);
    }

    [Fact]
    public async Task One_step_in_flight_by_default()
    {
        var runner = new ScriptedRunner();
        var sink = new RecordingSink();
        await using var handler = new RealtimeFrameHandler(runner);
        for (var n = 1; n <= 3; n++) await Frames.Offer(handler, sink, Frames.Make(n));
        var step = runner.WaitPending();
        Assert.Equal(1, handler.InFlightNow);
        Assert.Equal(1, handler.Dropped);
        using var png = Gray(10);
        step.Done.SetResult(ImageAnswer(PngCodec.Encode(png)));
        Assert.Equal(1, sink.Next().FrameNumber);
        runner.WaitPending().Done.SetResult(ImageAnswer(PngCodec.Encode(png)));
        Assert.Equal(3, sink.Next().FrameNumber);
    }

    [Fact]
    public async Task The_input_map_holds_the_frame_as_jpeg_or_rgba_and_the_params()
    {
        MsgValue? seen = null;
        var runner = new ScriptedRunner(input => { seen = input; return MsgValue.Map(("ok", true)); });
        await using (var handler = new RealtimeFrameHandler(runner))
        {
            handler.UpdateParameters(new Dictionary<string, MsgValue> { ["filter"] = "invert", ["image"] = "ignored" });
            await Frames.Offer(handler, new RecordingSink(), Frames.Make(1, y: 81));
            await WaitUntil(() => handler.Results == 1);
            Assert.Equal("invert", seen!["filter"].AsString());
            var jpeg = seen["image"].AsBinary().ToArray();
            Assert.Equal(ImageFormat.Jpeg, ImageCodecs.Detect(jpeg));
            using var decoded = JpegCodec.Decode(jpeg);
            Assert.Equal((64, 48), (decoded.Width, decoded.Height));
        }
        await using (var handler = new RealtimeFrameHandler(runner, new FrameAdapterOptions { InputEncoding = FrameInputEncoding.Rgba }))
        {
            await Frames.Offer(handler, new RecordingSink(), Frames.Make(1, y: 81));
            await WaitUntil(() => handler.Results == 1);
            Assert.Equal(64, seen!["width"].AsInt64());
            Assert.Equal(48, seen["height"].AsInt64());
            Assert.Equal(64 * 48 * 4, seen["image"].AsBinary().Length);
        }
    }

    [Fact]
    public async Task Other_output_fields_become_result_messages()
    {
        using var png = Gray(50);
        var bytes = PngCodec.Encode(png);
        var runner = new ScriptedRunner(_ => ImageAnswer(bytes, ("detections", new object[] { "cat" }), ("request_id", "r1")));
        var sink = new RecordingSink();
        await using var handler = new RealtimeFrameHandler(runner);
        await Frames.Offer(handler, sink, Frames.Make(7));
        Assert.Equal(7, sink.Next().FrameNumber);
        await WaitUntil(() => handler.Messages.Count == 1);
        Assert.True(handler.Messages.TryRead(out var message));
        Assert.Equal("result", message["type"].AsString());
        Assert.Equal("cat", message["detections"][0].AsString());
        Assert.False(message.TryGet("images", out _));
        Assert.False(message.TryGet("request_id", out _));
    }

    [Theory]
    [InlineData("jpeg")]
    [InlineData("png")]
    [InlineData("webp")]
    [InlineData("raw-bytes-png")]
    public async Task Output_images_are_decoded_onto_the_track(string format)
    {
        using var image = Gray(200, 40, 30);
        byte[] encoded = format switch
        {
            "jpeg" => JpegCodec.Encode(image, quality: 95),
            "webp" => EncodeWebP(image),
            _ => PngCodec.Encode(image),
        };
        MsgValue output = format == "raw-bytes-png" ? MsgValue.Map(("image", encoded)) : ImageAnswer(encoded);
        var sink = new RecordingSink();
        await using var handler = new RealtimeFrameHandler(new ScriptedRunner(_ => output));
        await Frames.Offer(handler, sink, Frames.Make(3, y: 20));
        var frame = sink.Next();
        Assert.Equal((3, 40, 30), (frame.FrameNumber, frame.Width, frame.Height));
        Assert.InRange((int)frame.Y, 185, 215); // gray 200 in BT.601 studio range is about 188
        Assert.Equal(1, handler.Answers);
    }

    private static byte[] EncodeWebP(RgbaImage image)
    {
        var info = new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        image.Pixels.CopyTo(bitmap.GetPixelSpan());
        using var data = bitmap.Encode(SKEncodedImageFormat.Webp, 100);
        var bytes = data.ToArray();
        Assert.Equal("WEBP", System.Text.Encoding.ASCII.GetString(bytes, 8, 4));
        return bytes;
    }

    [Fact]
    public async Task App_errors_are_counted_and_shown_never_fatal()
    {
        var fail = true;
        using var png = Gray(90);
        var bytes = PngCodec.Encode(png);
        var runner = new ScriptedRunner(_ => fail
            ? throw new RealtimeStepException(RealtimeErrorCodes.ValidationError, "filter: unknown")
            : ImageAnswer(bytes));
        var sink = new RecordingSink();
        await using var handler = new RealtimeFrameHandler(runner);
        await Frames.Offer(handler, sink, Frames.Make(1));
        await WaitUntil(() => handler.Errors == 1);
        Assert.True(handler.Messages.TryRead(out var message));
        Assert.Equal("result", message["type"].AsString());
        Assert.Equal("VALIDATION_ERROR", message["error"]["error"].AsString());
        Assert.Equal("filter: unknown", message["error"]["reason"].AsString());

        await WaitUntil(() => handler.InFlightNow == 0);
        fail = false;
        await Frames.Offer(handler, sink, Frames.Make(2));
        Assert.Equal(2, sink.Next().FrameNumber); // the next frame is answered as usual

        // An undecodable image and an output without bytes are errors of the same kind.
        var bad = new RealtimeFrameHandler(new ScriptedRunner(_ => MsgValue.Map(("image", new byte[] { 0xFF, 0xD8, 0xFF, 0, 1, 2, 3, 4 }))));
        await using (bad)
        {
            await Frames.Offer(bad, sink, Frames.Make(3));
            await WaitUntil(() => bad.Errors == 1);
        }
        var url = new RealtimeFrameHandler(new ScriptedRunner(_ => MsgValue.Map(("images", MsgValue.Array(MsgValue.Map(("url", "x"), ("content", "https://example.invalid/a.png")))))));
        await using (url)
        {
            await Frames.Offer(url, sink, Frames.Make(4));
            await WaitUntil(() => url.Errors == 1);
            Assert.True(url.Messages.TryRead(out var m));
            Assert.Contains("URL", m["error"]["reason"].AsString());
        }
    }

    [Fact]
    public async Task While_the_runner_is_unavailable_frames_pass_through_and_are_counted()
    {
        var runner = new ScriptedRunner(_ => throw new StepUnavailableException("upstream reconnecting")) { IsAvailable = false };
        var sink = new RecordingSink();
        await using var handler = new RealtimeFrameHandler(runner);
        await Frames.Offer(handler, sink, Frames.Make(1, y: 33));
        var passed = sink.Next();
        Assert.Equal((1, (byte)33, false), (passed.FrameNumber, passed.Y, passed.Answer));

        runner.IsAvailable = true; // it drops while a step is in flight: that frame passes through too
        await Frames.Offer(handler, sink, Frames.Make(2, y: 44));
        var dropped = sink.Next();
        Assert.Equal((2, (byte)44), (dropped.FrameNumber, dropped.Y));
        Assert.Equal(2, handler.PassedThrough);
        Assert.Equal(0, runner.Calls - 1);
    }

    [Fact]
    public async Task The_filters_jpeg_app_inverts_frames_through_the_generic_path()
    {
        var app = FiltersJpegApp.Create();
        Assert.True(app.ServesVideo);
        var context = new RealtimeCallContext { SessionId = "t", AppId = app.Id, Path = "/webrtc" };
        var sink = new RecordingSink();
        var handler = app.CreateVideoHandler(context, new WebRtcBridge.MediaRunner.WebRtcSessions.VideoSessionControl())!;
        await using var _ = (RealtimeFrameHandler)handler;
        handler.UpdateParameters(new Dictionary<string, MsgValue> { ["filter"] = "invert" });
        await Frames.Offer(handler, sink, Frames.Make(5, y: 40, width: 320, height: 240));
        var frame = sink.Next();
        Assert.Equal((5, 320, 240), (frame.FrameNumber, frame.Width, frame.Height));
        Assert.InRange((int)frame.Y, 205, 225); // 255 - 40 ≈ 215 (JPEG and colour conversion move it a little)
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met");
            await Task.Delay(5);
        }
    }
}
