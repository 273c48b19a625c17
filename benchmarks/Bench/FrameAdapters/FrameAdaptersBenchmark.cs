using System.Diagnostics;
using System.Globalization;
using WebRtcBridge.Bench.Common;
using Microsoft.Extensions.Logging.Abstractions;
using WebRtcBridge.MediaRunner.Apps;
using WebRtcBridge.MediaRunner.BuiltIn;
using WebRtcBridge.MediaRunner.FrameAdapters;
using WebRtcBridge.MediaRunner.FrameAdapters.Remote;
using WebRtcBridge.MediaRunner.Imaging;
using WebRtcBridge.MediaRunner.Pipeline;
using WebRtcBridge.Protocol.MsgPack;
using WebRtcBridge.Signaling.Hosting;
using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.Bench.FrameAdapters;

/// <summary>
/// The generic realtime-app video path against the I420 one, at 640x480, one thread, the server's own classes:
/// <c>bridge/filters</c> invert on the I420 planes vs <c>bridge/filters-jpeg</c> invert through
/// <see cref="RealtimeFrameHandler"/> (frame → JPEG → app → JPEG → frame), offer to answer; the PNG decode of an
/// output image with SkiaSharp vs our managed decoder; and a remote step round trip against a local upstream
/// (an in-process WebRtcBridge on 127.0.0.1, with auth and token minting).
/// </summary>
public sealed class FrameAdaptersBenchmark : IBenchmark
{
    public string Name => "frameadapters";
    public string Description => "generic realtime-app video path vs I420, PNG decode Skia vs ours, remote step round trip (640x480)";

    public async Task RunAsync(string[] args, TextWriter output)
    {
        foreach (var row in await MeasureAsync(int.Parse(BenchArgs.Text(args, "--frames", "200"), CultureInfo.InvariantCulture)))
            output.WriteLine(row);
    }

    /// <summary>Report rows: <c>| measure | value | note |</c>.</summary>
    public static async Task<List<string>> MeasureAsync(int frames)
    {
        var rows = new List<string>();
        var frame = VideoFrame.Create(640, 480);
        TestPattern.Render(frame, 7);

        var i420 = await TimeHandlerAsync(new FilterFrameHandler("invert"), frame, frames);
        var context = new RealtimeCallContext { SessionId = "bench", AppId = FiltersJpegApp.Id, Path = "/webrtc" };
        var generic = (RealtimeFrameHandler)FiltersJpegApp.Create().CreateVideoHandler(context, new WebRtcBridge.MediaRunner.WebRtcSessions.VideoSessionControl())!;
        generic.UpdateParameters(new Dictionary<string, MsgValue> { ["filter"] = "invert" });
        var genericTimes = await TimeHandlerAsync(generic, frame, frames);
        rows.Add($"| 640x480 invert, I420 path (`bridge/filters`): offer → frame out | {P(i420)} | handler on the planes, no copy of the codec's work |");
        rows.Add($"| 640x480 invert, generic realtime-app path (`bridge/filters-jpeg`, JPEG q85 in and out): offer → frame out | {P(genericTimes)} | " +
                 $"{genericTimes.Percentile(50) - i420.Percentile(50):F2} ms more per frame (p50): JPEG encode, app decode+encode, JPEG decode |");
        await generic.DisposeAsync();

        // Output images as PNG: SkiaSharp vs our managed decoder, each to an I420 frame (what the adapter does).
        using var rgba = RgbaImage.Rent(640, 480);
        frame.CopyToPacked(rgba.Pixels, 640 * 4, PackedPixelLayout.Rgba);
        var png = PngCodec.Encode(rgba);
        var pool = new VideoFramePool(4);
        var skia = Time(frames, () => { using var i = SkiaImageDecoder.Decode(png); ToFrame(i, pool); });
        var ours = Time(frames, () => { using var i = PngCodec.Decode(png); ToFrame(i, pool); });
        rows.Add($"| 640x480 PNG output decode to I420 ({png.Length / 1024} KB, RGBA): SkiaSharp vs our PngDecoder | {P(skia)} vs {P(ours)} | ratio p50 {skia.Percentile(50) / ours.Percentile(50):F2} |");

        rows.Add(await RemoteRoundTripAsync(frame, frames));
        frame.Dispose();
        return rows;
    }

    private static void ToFrame(RgbaImage image, VideoFramePool pool)
    {
        using var f = pool.Rent(image.Width, image.Height);
        f.CopyFromPacked(image.Pixels, image.Stride, PackedPixelLayout.Rgba);
    }

    private static async Task<string> RemoteRoundTripAsync(VideoFrame frame, int frames)
    {
        const string key = "bench:secret";
        var upstream = BridgeServer.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning", "--Auth:Keys:0", key]);
        await upstream.StartAsync();
        try
        {
            var url = BridgeServer.ListeningUri(upstream).ToString().TrimEnd('/').Replace("http://", "ws://") + "/bridge/filters/realtime";
            var options = new RemoteAppOptions { Id = "remote/filters", Url = url, Key = key };
            using var http = new HttpClient();
            var runner = new RemoteStepRunner(options, new RemoteTokenSource(options, http), new MsgPackLimits(), NullLogger.Instance);
            var handler = new RealtimeFrameHandler(runner);
            handler.UpdateParameters(new Dictionary<string, MsgValue> { ["filter"] = "invert" });
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!runner.IsAvailable && DateTime.UtcNow < deadline) await Task.Delay(20);
            var steps = await TimeHandlerAsync(handler, frame, frames);
            var line = $"| remote app round trip against a local upstream (640x480 JPEG invert, msgpack over 127.0.0.1, one step in flight) | " +
                       $"upstream p50 {runner.RoundTrip.Percentile(50):F2} · p99 {runner.RoundTrip.Percentile(99):F2} ms; offer → frame out {P(steps)} | " +
                       $"includes the upstream's JPEG decode + invert + encode; tokens minted: {runner.Stats()["tokensMinted"].AsInt64()} |";
            await handler.DisposeAsync();
            return line;
        }
        finally
        {
            await upstream.StopAsync();
            await upstream.DisposeAsync();
        }
    }

    /// <summary>Offers a copy of <paramref name="frame"/> and waits for its answer, <paramref name="frames"/> times (after warm-up).</summary>
    private static async Task<Samples> TimeHandlerAsync(IVideoFrameHandler handler, VideoFrame frame, int frames)
    {
        var sink = new WaitingSink();
        var samples = new Samples(frames);
        for (var n = -20; n < frames; n++)
        {
            var input = VideoFrame.Create(frame.Width, frame.Height);
            frame.CopyTo(input);
            input.FrameNumber = n + 100;
            var start = Stopwatch.GetTimestamp();
            await handler.ProcessAsync(input, sink, CancellationToken.None);
            if (!sink.TakeInputEmitted(input)) input.Dispose();
            await sink.Next.WaitAsync(TimeSpan.FromSeconds(10));
            if (n >= 0) samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        return samples;
    }

    private static Samples Time(int n, Action action)
    {
        for (var i = 0; i < 10; i++) action();
        var samples = new Samples(n);
        for (var i = 0; i < n; i++)
        {
            var start = Stopwatch.GetTimestamp();
            action();
            samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        return samples;
    }

    private static string P(Samples s) => $"p50 {s.Percentile(50):F2} · p99 {s.Percentile(99):F2} ms";

    private sealed class WaitingSink : IVideoFrameSink, IDisposable
    {
        private readonly SemaphoreSlim _next = new(0);

        public void Dispose() => _next.Dispose();
        private VideoFrame? _emittedInput;

        public Task Next => _next.WaitAsync();

        public bool TakeInputEmitted(VideoFrame input)
        {
            var emitted = ReferenceEquals(_emittedInput, input);
            _emittedInput = null;
            return emitted;
        }

        public void Emit(VideoFrame frame)
        {
            _emittedInput = frame;
            frame.Dispose();
            _next.Release();
        }

        public void EmitAnswer(VideoFrame frame)
        {
            frame.Dispose();
            _next.Release();
        }
    }
}
