using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WebRtcBridge.MediaRunner.Apps;
using WebRtcBridge.MediaRunner.Onnx;
using WebRtcBridge.MediaRunner.Pipeline;
using WebRtcBridge.Protocol.MsgPack;
using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.MediaRunner.Tests.Onnx;

/// <summary>
/// The test models (Onnx/make_models.py, run once per test process with Debian's python3-onnx into a temporary
/// folder: nothing is downloaded) and helpers to load them and look at frames.
/// </summary>
public static class OnnxTestKit
{
    private static readonly Lazy<string> Folder = new(MakeModels);

    /// <summary>The path of a test model, e.g. <c>invert.onnx</c>.</summary>
    public static string ModelPath(string file) => Path.Combine(Folder.Value, file);

    public static OnnxModelOptions Options(string file, OnnxMode mode = OnnxMode.Image) => new()
    {
        Id = new AppId("test", Path.GetFileNameWithoutExtension(file).Replace('_', '-')),
        Model = ModelPath(file),
        Mode = mode,
    };

    public static OnnxModel Load(OnnxModelOptions options, ILogger? logger = null) => OnnxModel.Load(options, logger ?? NullLogger.Instance);

    private static string MakeModels()
    {
        var folder = Directory.CreateTempSubdirectory("onnx-test-models-").FullName;
        var script = Path.Combine(AppContext.BaseDirectory, "Onnx", "make_models.py");
        var tried = new List<string>();
        foreach (var python in new[] { "/usr/bin/python3", "python3" })
        {
            if (python.Contains('/') && !File.Exists(python)) continue;
            var psi = new ProcessStartInfo(python) { RedirectStandardError = true, RedirectStandardOutput = true };
            psi.ArgumentList.Add(script);
            psi.ArgumentList.Add(folder);
            using var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(60_000)) { p.Kill(true); tried.Add($"{python}: timed out"); continue; }
            if (p.ExitCode == 0) return folder;
            tried.Add($"{python}: {stderr.Result.Trim().Split('\n')[^1]}");
        }
        throw new InvalidOperationException("could not make the ONNX test models (install Debian's python3-onnx: " +
            "scripts/install-deps.sh --test): " + string.Join("; ", tried));
    }

    /// <summary>A frame of one RGB colour (through libyuv, as a decoded frame would be).</summary>
    public static VideoFrame Solid(int width, int height, byte r, byte g, byte b)
    {
        var rgba = new byte[width * height * 4];
        for (var i = 0; i < rgba.Length; i += 4) { rgba[i] = r; rgba[i + 1] = g; rgba[i + 2] = b; rgba[i + 3] = 255; }
        return VideoFrame.FromPacked(rgba, width, height, width * 4, PackedPixelLayout.Rgba, new VideoFramePool(1));
    }

    /// <summary>A moving test pattern frame.</summary>
    public static VideoFrame Pattern(int width, int height, int index = 0)
    {
        var f = VideoFrame.Create(width, height);
        TestPattern.Render(f, index);
        return f;
    }

    public static byte[] Rgba(VideoFrame frame)
    {
        var rgba = new byte[frame.Width * frame.Height * 4];
        frame.CopyToPacked(rgba, frame.Width * 4, PackedPixelLayout.Rgba);
        return rgba;
    }

    /// <summary>Mean absolute difference per RGB channel over the pixels with x in [x0, x1).</summary>
    public static double MeanError(byte[] a, byte[] b, int width, int x0, int x1, Func<int, int, byte>? expected = null)
    {
        double sum = 0;
        long n = 0;
        var height = a.Length / 4 / width;
        for (var y = 0; y < height; y++)
            for (var x = x0; x < x1; x++)
                for (var c = 0; c < 3; c++)
                {
                    var i = (y * width + x) * 4 + c;
                    sum += Math.Abs(a[i] - (expected?.Invoke(i, b[i]) ?? b[i]));
                    n++;
                }
        return sum / n;
    }

    /// <summary>Runs one frame through a handler synchronously and returns what it emitted and sent.</summary>
    public static async Task<(VideoFrame? Frame, MsgValue? Result)> RunAsync(IVideoFrameHandler handler, VideoFrame input)
    {
        var sink = new CollectingSink();
        await handler.ProcessAsync(input, sink, CancellationToken.None);
        return (sink.Frames.SingleOrDefault(), sink.Results.SingleOrDefault());
    }
}

/// <summary>Keeps what a handler emits (frames and result messages).</summary>
public sealed class CollectingSink : IVideoFrameSink
{
    public List<VideoFrame> Frames { get; } = [];
    public List<MsgValue> Results { get; } = [];
    public void Emit(VideoFrame frame) => Frames.Add(frame);
    public bool TrySendResult(MsgValue message)
    {
        Results.Add(message);
        return true;
    }
}

/// <summary>Disposes every emitted frame at once (what the sender does after encoding); keeps nothing.</summary>
public sealed class DisposingSink : IVideoFrameSink
{
    public long Count;
    public VideoFrame? Input;
    public void Emit(VideoFrame frame)
    {
        Count++;
        if (!ReferenceEquals(frame, Input)) frame.Dispose();
    }
    public bool TrySendResult(MsgValue message) => true;
}
