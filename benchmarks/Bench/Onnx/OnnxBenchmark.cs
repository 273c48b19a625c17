using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using WebRtcBridge.Bench.Common;
using WebRtcBridge.MediaRunner.Apps;
using WebRtcBridge.MediaRunner.Onnx;
using WebRtcBridge.MediaRunner.Pipeline;
using WebRtcBridge.Protocol.MsgPack;
using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.Bench.Onnx;

/// <summary>
/// Per-frame time of an ONNX model as a frame handler (<see cref="OnnxFrameHandler"/>, one thread, one intra-op
/// thread): the whole step (resize/convert in, tensor, run, tensor out, back to I420) and, for the invert model, the
/// run alone (ONNX Runtime on the same tensor), so the rest is the bridge's own cost. Models are made with Debian's
/// python3-onnx by tests/MediaRunner.Tests/Onnx/make_models.py into a temporary folder.
/// Usage: Bench onnx [runs] [width] [height]
/// </summary>
public sealed class OnnxBenchmark : IBenchmark
{
    public string Name => "onnx";
    public string Description => "per-frame time of ONNX models as frame handlers (invert, blur, mask; 640x480)";

    public sealed record Row(string Case, double P50Ms, double P99Ms, double MeanMs, double AllocBytesPerFrame);

    public Task RunAsync(string[] args, TextWriter output)
    {
        int runs = args.Length > 0 ? int.Parse(args[0]) : 200;
        int width = args.Length > 1 ? int.Parse(args[1]) : 640;
        int height = args.Length > 2 ? int.Parse(args[2]) : 480;
        output.WriteLine($"{width}x{height} I420 frames, {runs} runs, {Environment.ProcessorCount} cores, IntraOpNumThreads 1");
        output.WriteLine($"{"case",-58} {"p50 ms",8} {"p99 ms",8} {"mean ms",8} {"alloc B/frame",14}");
        foreach (var row in Measure(width, height, runs))
            output.WriteLine($"{row.Case,-58} {row.P50Ms,8:F2} {row.P99Ms,8:F2} {row.MeanMs,8:F2} {row.AllocBytesPerFrame,14:F0}");
        return Task.CompletedTask;
    }

    /// <summary>The rows of the table (used by the report too). Throws when the models cannot be made.</summary>
    public static IReadOnlyList<Row> Measure(int width, int height, int runs)
    {
        var folder = MakeModels();
        try
        {
            List<Row> rows =
            [
                Handler("invert.onnx: whole handler step (image mode)", Path.Combine(folder, "invert.onnx"), OnnxMode.Image, null, width, height, runs),
                RunOnly("invert.onnx: ONNX Runtime run alone", Path.Combine(folder, "invert.onnx"), width, height, runs),
                .. Conversions(width, height, runs),
                Handler("blur3.onnx (3x3 depthwise conv): whole handler step", Path.Combine(folder, "blur3.onnx"), OnnxMode.Image, null, width, height, runs),
                Handler("mask_left.onnx (160x120 model), colour background", Path.Combine(folder, "mask_left.onnx"), OnnxMode.Mask, "0,255,0", width, height, runs),
                Handler("mask_left.onnx (160x120 model), blurred background", Path.Combine(folder, "mask_left.onnx"), OnnxMode.Mask, "blur", width, height, runs),
            ];
            return rows;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static Row Handler(string label, string model, OnnxMode mode, string? background, int width, int height, int runs)
    {
        using var loaded = OnnxModel.Load(new OnnxModelOptions
        {
            Id = new AppId("bench", "onnx"), Model = model, Mode = mode, Background = background ?? "blur",
        }, NullLogger.Instance);
        var handler = new OnnxFrameHandler(loaded);
        using var frame = VideoFrame.Create(width, height);
        TestPattern.Render(frame, 1);
        var sink = new DroppingSink();
        return Time(label, () => handler.ProcessAsync(frame, sink, CancellationToken.None).AsTask().GetAwaiter().GetResult(), runs);
    }

    /// <summary>The bridge's own stages of the image path: libyuv I420 to RGBA and back, RGBA to tensor and back.</summary>
    private static IEnumerable<Row> Conversions(int width, int height, int runs)
    {
        using var frame = VideoFrame.Create(width, height);
        TestPattern.Render(frame, 1);
        var rgba = new byte[width * height * 4];
        var tensor = new float[width * height * 3];
        var convention = new ImageTensorConvention();
        yield return Time("  stage: I420 -> RGBA (libyuv)", () => frame.CopyToPacked(rgba, width * 4, PackedPixelLayout.Rgba), runs);
        yield return Time("  stage: RGBA -> NCHW float tensor", () => convention.ToTensor(rgba, width, height, tensor), runs);
        yield return Time("  stage: NCHW float tensor -> RGBA", () => convention.FromTensor(tensor, width, height, rgba), runs);
        yield return Time("  stage: RGBA -> I420 (libyuv)", () => frame.CopyFromPacked(rgba, width * 4, PackedPixelLayout.Rgba), runs);
    }

    private static Row RunOnly(string label, string model, int width, int height, int runs)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        var input = new float[width * height * 3];
        var output = new float[width * height * 3];
        var random = new Random(1);
        for (var i = 0; i < input.Length; i++) input[i] = random.NextSingle();
        long[] shape = [1, 3, height, width];
        using var inValue = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var outValue = OrtValue.CreateTensorValueFromMemory(output, shape);
        using var binding = session.CreateIoBinding();
        binding.BindInput(session.InputMetadata.Keys.First(), inValue);
        binding.BindOutput(session.OutputMetadata.Keys.First(), outValue);
        using var runOptions = new RunOptions();
        return Time(label, () => session.RunWithBinding(runOptions, binding), runs);
    }

    private static Row Time(string label, Action step, int runs)
    {
        for (var i = 0; i < Math.Max(10, runs / 10); i++) step();
        var samples = new Samples(runs);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < runs; i++)
        {
            var t = Stopwatch.GetTimestamp();
            step();
            samples.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }
        var alloc = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)runs;
        return new Row(label, samples.Percentile(50), samples.Percentile(99), samples.Mean, alloc);
    }

    private static string MakeModels()
    {
        string? script = null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null && script is null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "MediaRunner.Tests", "Onnx", "make_models.py");
            if (File.Exists(candidate)) script = candidate;
        }
        if (script is null) throw new InvalidOperationException("tests/MediaRunner.Tests/Onnx/make_models.py not found above " + AppContext.BaseDirectory);
        var folder = Directory.CreateTempSubdirectory("onnx-bench-models-").FullName;
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var psi = new ProcessStartInfo(python) { RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(folder);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000)) { p.Kill(true); throw new InvalidOperationException("make_models.py timed out"); }
        if (p.ExitCode != 0)
            throw new InvalidOperationException("could not make the ONNX models (install Debian's python3-onnx): " + stderr.Result.Trim().Split('\n')[^1]);
        return folder;
    }

    /// <summary>Disposes what the handler emits at once, as the sender does after encoding.</summary>
    private sealed class DroppingSink : IVideoFrameSink
    {
        public void Emit(VideoFrame frame) => frame.Dispose();
        public bool TrySendResult(MsgValue message) => true;
    }
}
