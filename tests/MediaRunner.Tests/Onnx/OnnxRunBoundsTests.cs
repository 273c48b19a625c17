using WebRtcBridge.MediaRunner.Onnx;
using static WebRtcBridge.MediaRunner.Tests.Onnx.OnnxTestKit;

namespace WebRtcBridge.MediaRunner.Tests.Onnx;

public sealed class OnnxRunBoundsTests(Xunit.Abstractions.ITestOutputHelper log)
{
    [Theory]
    [InlineData("invert.onnx", OnnxMode.Image)]
    [InlineData("invert_fixed.onnx", OnnxMode.Image)]
    [InlineData("mask_left.onnx", OnnxMode.Mask)]
    public async Task A_steady_stream_allocates_nothing_per_frame(string file, OnnxMode mode)
    {
        using var model = Load(Options(file, mode));
        var handler = new OnnxFrameHandler(model);
        using var input = Pattern(640, 480, 1);
        var sink = new DisposingSink();
        for (var i = 0; i < 20; i++) await handler.ProcessAsync(input, sink, CancellationToken.None); // warm-up: buffers, JIT
        const int frames = 100;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < frames; i++)
        {
            var pending = handler.ProcessAsync(input, sink, CancellationToken.None);
            Assert.True(pending.IsCompletedSuccessfully, "a free run must complete synchronously on this thread");
        }
        var perFrame = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)frames;
        log.WriteLine($"{file} ({mode}), 640x480: {perFrame:F1} managed bytes allocated per frame over {frames} frames");
        // Managed bytes per frame (a 640x480 float tensor alone is 3.7 MB): nothing but rounding noise of the counter.
        Assert.True(perFrame < 64, $"{perFrame:F0} bytes allocated per frame in steady state");
        Assert.Equal(120, sink.Count);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Runs_of_one_model_shared_by_many_sessions_never_exceed_MaxConcurrentRuns(int maxRuns)
    {
        using var model = Load(Options("blur3.onnx") with { MaxConcurrentRuns = maxRuns });
        // Four sessions, each with its own handler, on four threads, all on the one model.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        var sessions = Enumerable.Range(0, 4).Select(s => Task.Run(async () =>
        {
            var handler = new OnnxFrameHandler(model);
            using var input = Pattern(640, 480, s);
            var sink = new DisposingSink();
            // At least 5 runs each; then on until the runs have overlapped up to the bound (on a loaded machine that can take a while).
            for (var i = 0; (i < 5 || model.PeakConcurrentRuns < maxRuns) && DateTime.UtcNow < deadline; i++)
                await handler.ProcessAsync(input, sink, CancellationToken.None);
        })).ToArray();
        await Task.WhenAll(sessions);
        Assert.Equal(maxRuns, model.PeakConcurrentRuns);
        Assert.Equal(0, model.ActiveRuns);
    }

    [Fact]
    public async Task A_session_waiting_for_a_busy_model_can_be_cancelled()
    {
        using var model = Load(Options("invert.onnx"));
        var lane = await model.AcquireAsync(CancellationToken.None); // the one run slot is taken
        try
        {
            var handler = new OnnxFrameHandler(model);
            using var input = Pattern(64, 48);
            using var cts = new CancellationTokenSource();
            var waiting = handler.ProcessAsync(input, new DisposingSink(), cts.Token).AsTask();
            await Task.Delay(50);
            Assert.False(waiting.IsCompleted);
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        }
        finally
        {
            model.Release(lane);
        }
        Assert.Equal(0, model.ActiveRuns);
    }
}
