using System.Diagnostics;
using WebRtcBridge.MediaRunner.BuiltIn;
using WebRtcBridge.MediaRunner.Pipeline;
using WebRtcBridge.Protocol.MsgPack;
using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.MediaRunner.Tests.Pipeline;

public sealed class VideoFramePipelineTests
{
    private sealed class SlowHandler(TimeSpan cost, Func<long, bool>? fail = null) : IVideoFrameHandler
    {
        public async ValueTask ProcessAsync(VideoFrame input, IVideoFrameSink output, CancellationToken ct)
        {
            await Task.Delay(cost, ct);
            if (fail?.Invoke(input.FrameNumber) == true) throw new InvalidOperationException("handler bug");
            var copy = VideoFrame.Create(input.Width, input.Height);
            input.CopyTo(copy);
            output.Emit(copy);
        }

        public void UpdateParameters(IReadOnlyDictionary<string, MsgValue> parameters) { }
    }

    [Fact]
    public async Task A_handler_ten_times_slower_than_the_frame_rate_lowers_the_frame_rate_not_the_latency()
    {
        // 30 fps in, a handler that needs 333 ms per frame, for 30 s: outputs about 3 fps, each output's latency
        // (offered → emitted) stays under two handler times, the last ten no slower than the first ten, and every
        // dropped frame is counted and freed.
        var latencies = new List<double>();
        var offeredAt = new Dictionary<long, long>();
        var done = new SemaphoreSlim(0);
        var handler = new SlowHandler(TimeSpan.FromMilliseconds(333));
        await using var pipeline = new VideoFramePipeline(handler, (input, output) =>
        {
            lock (latencies)
            {
                latencies.Add(Stopwatch.GetElapsedTime(offeredAt[output.FrameNumber]).TotalMilliseconds);
            }
            output.Dispose();
            done.Release();
        });
        var period = TimeSpan.FromSeconds(1.0 / 30);
        using var timer = new PeriodicTimer(period);
        var clock = Stopwatch.StartNew();
        var n = 0L;
        var memoryBefore = GC.GetTotalMemory(true);
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await timer.WaitForNextTickAsync();
            var frame = VideoFrame.Create(64, 48);
            frame.FrameNumber = n;
            lock (latencies) offeredAt[n] = Stopwatch.GetTimestamp();
            n++;
            pipeline.Offer(frame);
        }
        var memoryAfter = GC.GetTotalMemory(true);
        var outputs = pipeline.FramesOut;
        Assert.InRange(outputs, 60, 100); // ~90 at 3 fps; fewer on a loaded machine
        // Every frame is accounted for: processed, dropped, or still in the slot or the handler.
        Assert.InRange(pipeline.FramesIn - pipeline.FramesProcessed - pipeline.FramesDropped - pipeline.HandlerErrors, 0, 2);
        Assert.True(pipeline.FramesDropped > pipeline.FramesIn * 0.8, $"dropped {pipeline.FramesDropped} of {pipeline.FramesIn}");
        List<double> l;
        lock (latencies) l = [.. latencies];
        // An unbounded queue would reach minutes here (30 fps in, 3 fps out); a slot of one keeps it near one handler time.
        l.Sort();
        var p90 = l[(int)(l.Count * 0.9)];
        Assert.True(p90 < 2 * 333 + 250, $"p90 latency {p90:F0} ms");
        Assert.True(l[^1] < 2000, $"max latency {l[^1]:F0} ms");
        List<double> ordered;
        lock (latencies) ordered = [.. latencies];
        var first = ordered.Take(10).Average();
        var last = ordered.TakeLast(10).Average();
        Assert.True(last < first + 100, $"latency grew from {first:F0} ms to {last:F0} ms");
        Assert.True(memoryAfter - memoryBefore < 8 * 1024 * 1024, $"memory grew by {(memoryAfter - memoryBefore) / 1024} KiB");
        Assert.InRange(pipeline.QueueWait.Percentile(50), 0, 100); // the frame taken is the newest: at most one frame period old
    }

    [Fact]
    public async Task A_failing_handler_drops_that_frame_and_goes_on()
    {
        var outputs = new List<long>();
        var got = new SemaphoreSlim(0);
        await using var pipeline = new VideoFramePipeline(new SlowHandler(TimeSpan.Zero, fail: n => n == 1), (_, output) =>
        {
            lock (outputs) outputs.Add(output.FrameNumber);
            output.Dispose();
            got.Release();
        });
        for (var i = 0; i < 3; i++)
        {
            var frame = VideoFrame.Create(16, 16);
            frame.FrameNumber = i;
            pipeline.Offer(frame);
            if (i != 1) Assert.True(await got.WaitAsync(TimeSpan.FromSeconds(10)));
            else await WaitUntil(() => pipeline.HandlerErrors == 1);
        }
        lock (outputs) Assert.Equal([0L, 2L], outputs);
        Assert.Equal(1, pipeline.HandlerErrors);
    }

    [Fact]
    public async Task Outputs_carry_their_inputs_timing_metadata_and_params_switch_the_filter()
    {
        var handler = new FilterFrameHandler("identity");
        var results = new List<(uint Ts, long N, byte Y)>();
        var got = new SemaphoreSlim(0);
        await using var pipeline = new VideoFramePipeline(handler, (input, output) =>
        {
            lock (results) results.Add((output.RtpTimestamp, output.FrameNumber, output.Y[0]));
            output.Dispose();
            got.Release();
        });
        async Task Send(uint ts, long n)
        {
            var frame = VideoFrame.Create(32, 32);
            frame.Fill(100, 128, 128);
            frame.RtpTimestamp = ts;
            frame.FrameNumber = n;
            pipeline.Offer(frame);
            Assert.True(await got.WaitAsync(TimeSpan.FromSeconds(10)));
        }
        await Send(9000, 1);
        handler.UpdateParameters(new Dictionary<string, MsgValue> { ["filter"] = "invert" });
        await Send(12000, 2);
        handler.UpdateParameters(new Dictionary<string, MsgValue> { ["filter"] = "blur", ["radius"] = 2 });
        await Send(15000, 3);
        lock (results)
        {
            Assert.Equal((9000u, 1L, (byte)100), results[0]);
            Assert.Equal(12000u, results[1].Ts);
            Assert.InRange(results[1].Y, 148, 154); // 251 - 100 in limited range
            Assert.InRange(results[2].Y, 97, 103);  // blur of a flat frame through RGBA is still flat
        }
        Assert.Throws<WebRtcBridge.Protocol.Binding.InputValidationException>(() =>
            handler.UpdateParameters(new Dictionary<string, MsgValue> { ["filter"] = "nope" }));
        Assert.Equal("blur", handler.FilterName);
    }

    [Fact]
    public async Task An_emitted_input_belongs_to_the_sink_and_is_not_disposed_again_after_the_decoder_reuses_it()
    {
        // identity emits its input frame itself. The sender disposes it (back to the decoder's pool), the decoder
        // rents the same object for the next picture at once, and that picture must stay alive: the pipeline must
        // not dispose the input a second time.
        var pool = new VideoFramePool(2);
        var reused = new List<VideoFrame>();
        var outputs = new SemaphoreSlim(0);
        var handler = new FilterFrameHandler("identity");
        VideoFrame? lastOutput = null;
        await using var pipeline = new VideoFramePipeline(handler, (input, output) =>
        {
            lastOutput = output;
            output.Dispose();                       // as WebRtcSession's sender does after encoding
            lock (reused) reused.Add(pool.Rent(32, 16)); // the decoder's next picture, same object
            outputs.Release();
        });
        for (int i = 0; i < 20; i++)
        {
            var frame = pool.Rent(32, 16);
            frame.Fill(50, 128, 128);
            frame.RtpTimestamp = (uint)(1000 + i);
            pipeline.Offer(frame);
            Assert.True(await outputs.WaitAsync(TimeSpan.FromSeconds(10)));
            await WaitUntil(() => pipeline.FramesProcessed == i + 1);
            Assert.Same(frame, lastOutput); // identity: no copy
            lock (reused)
            {
                var next = reused[^1];
                next.Fill(1, 2, 3); // throws ObjectDisposedException if the pipeline disposed it after reuse
                Assert.Equal(1, next.Y[0]);
                reused.RemoveAt(reused.Count - 1);
                next.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_handler_that_emits_its_input_twice_gets_an_error_and_the_frame_is_freed_once()
    {
        var handler = new EmitInputTwice();
        int outputs = 0;
        await using var pipeline = new VideoFramePipeline(handler, (input, output) => { Interlocked.Increment(ref outputs); output.Dispose(); });
        pipeline.Offer(VideoFrame.Create(16, 16));
        await WaitUntil(() => pipeline.HandlerErrors == 1);
        Assert.Equal(1, outputs);
    }

    private sealed class EmitInputTwice : IVideoFrameHandler
    {
        public ValueTask ProcessAsync(VideoFrame input, IVideoFrameSink output, CancellationToken ct)
        {
            output.Emit(input);
            output.Emit(input);
            return ValueTask.CompletedTask;
        }

        public void UpdateParameters(IReadOnlyDictionary<string, MsgValue> parameters) { }
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(5);
        }
    }
}
