using System.Buffers;
using System.Diagnostics;
using WebRtcBridge.MediaRunner.Filters;
using WebRtcBridge.MediaRunner.Imaging;

namespace WebRtcBridge.Bench.Filters;

/// <summary>
/// Time per 640x480 RGBA frame of every built-in filter (SIMD and scalar paths where both exist) and of JPEG/PNG
/// decode and encode: median, p99 and mean over N runs (default 200) after a warm-up, plus bytes allocated per run.
/// Usage: Bench filters [runs] [width] [height]
/// </summary>
public sealed class FiltersBenchmark : IBenchmark
{
    public string Name => "filters";
    public string Description => "per-frame time of each image filter and of JPEG/PNG codecs (640x480)";

    public Task RunAsync(string[] args, TextWriter output)
    {
        int runs = args.Length > 0 ? int.Parse(args[0]) : 200;
        int width = args.Length > 1 ? int.Parse(args[1]) : 640;
        int height = args.Length > 2 ? int.Parse(args[2]) : 480;
        using var frame = SyntheticFrame(width, height);
        using var target = RgbaImage.Create(width, height);
        int stride = frame.Stride;

        output.WriteLine($"{width}x{height} RGBA, {runs} runs, {Environment.ProcessorCount} cores, " +
                         $"Vector<byte>.Count={System.Numerics.Vector<byte>.Count}, hw-accelerated={System.Numerics.Vector.IsHardwareAccelerated}");
        output.WriteLine($"{"case",-46} {"median ms",10} {"p99 ms",10} {"mean ms",10} {"alloc B/run",12}");

        void Row(string label, Action action)
        {
            var (median, p99, mean, alloc) = Measure(action, runs);
            output.WriteLine($"{label,-46} {median,10:F3} {p99,10:F3} {mean,10:F3} {alloc,12:F0}");
        }

        foreach (var name in FilterRegistry.Names)
        {
            var filter = FilterRegistry.Create(name);
            string label = name + Describe(name);
            Row(label, () => filter.Apply(frame.Pixels, target.Pixels, width, height, stride));
            if (filter is PointFilter point)
                Row(name + " (scalar)", () => point.Apply(frame.Pixels, target.Pixels, width, height, stride, vectorized: false));
        }
        foreach (int radius in new[] { 1, 20, 100 })
        {
            var blur = new BlurFilter(radius);
            Row($"blur radius={radius}", () => blur.Apply(frame.Pixels, target.Pixels, width, height, stride));
            Row($"blur radius={radius} (scalar)", () => blur.Apply(frame.Pixels, target.Pixels, width, height, stride, vectorized: false));
        }
        var rotate33 = new RotateFilter(33);
        Row("rotate degrees=33 (bilinear)", () => rotate33.Apply(frame.Pixels, target.Pixels, width, height, stride));
        var pixelate4 = new PixelateFilter(4);
        Row("pixelate block_size=4", () => pixelate4.Apply(frame.Pixels, target.Pixels, width, height, stride));

        // I420 fast paths (in place on a 640x480 frame's planes)
        int cw = (width + 1) / 2, ch = (height + 1) / 2;
        var planeY = new byte[width * height];
        var planeU = new byte[cw * ch];
        var planeV = new byte[cw * ch];
        new Random(2).NextBytes(planeY);
        foreach (var name in new[] { "invert", "grayscale", "mirror" })
        {
            var filter = FilterRegistry.Create(name);
            Row($"{name} (I420 in place)", () => I420Filters.TryApplyInPlace(filter, planeY, width, planeU, cw, planeV, cw, width, height));
        }

        var jpegWriter = new ArrayBufferWriter<byte>(1 << 21);
        foreach (int quality in new[] { 75, 90 })
        {
            Row($"jpeg encode q={quality} 4:2:0", () =>
            {
                jpegWriter.ResetWrittenCount();
                JpegCodec.Encode(frame, jpegWriter, quality);
            });
        }
        jpegWriter.ResetWrittenCount();
        JpegCodec.Encode(frame, jpegWriter, 75);
        byte[] jpeg = jpegWriter.WrittenSpan.ToArray();
        Row($"jpeg decode ({jpeg.Length / 1024} KB)", () => JpegCodec.Decode(jpeg).Dispose());

        var pngWriter = new ArrayBufferWriter<byte>(1 << 22);
        Row("png encode (fastest)", () =>
        {
            pngWriter.ResetWrittenCount();
            PngCodec.Encode(frame, pngWriter);
        });
        byte[] png = pngWriter.WrittenSpan.ToArray();
        Row("png encode (no compression)", () =>
        {
            pngWriter.ResetWrittenCount();
            PngCodec.Encode(frame, pngWriter, System.IO.Compression.CompressionLevel.NoCompression);
        });
        Row($"png decode ({png.Length / 1024} KB)", () => PngCodec.Decode(png).Dispose());
        return Task.CompletedTask;
    }

    private static string Describe(string name)
    {
        var parameters = FilterRegistry.ParametersOf(name);
        if (parameters.Count == 0) return "";
        var parts = new string[parameters.Count];
        for (int i = 0; i < parts.Length; i++) parts[i] = $"{parameters[i].Name}={parameters[i].Default}";
        return " " + string.Join(" ", parts);
    }

    private static (double Median, double P99, double Mean, double AllocPerRun) Measure(Action action, int runs)
    {
        // warm up past tiered compilation (30 calls, then a background tier-1 compile): >= 60 calls and >= 300 ms
        var warmup = Stopwatch.StartNew();
        for (int i = 0; i < 60 || warmup.ElapsedMilliseconds < 300; i++) action();
        var times = new double[runs];
        long allocBefore = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        double alloc = (GC.GetAllocatedBytesForCurrentThread() - allocBefore) / (double)runs;
        Array.Sort(times);
        double mean = 0;
        foreach (var t in times) mean += t;
        return (times[runs / 2], times[Math.Min(runs - 1, (int)Math.Ceiling(runs * 0.99) - 1)], mean / runs, alloc);
    }

    /// <summary>A camera-like frame: smooth gradients, a few hard edges and some noise.</summary>
    private static RgbaImage SyntheticFrame(int width, int height)
    {
        var image = RgbaImage.Rent(width, height);
        var rng = new Random(1);
        for (int y = 0; y < height; y++)
        {
            var row = image.Row(y);
            for (int x = 0; x < width; x++)
            {
                int noise = rng.Next(-8, 9);
                bool box = (x / 80 + y / 60) % 3 == 0;
                row[x * 4] = (byte)Math.Clamp(x * 255 / width + noise, 0, 255);
                row[x * 4 + 1] = (byte)Math.Clamp((box ? 200 : y * 255 / height) + noise, 0, 255);
                row[x * 4 + 2] = (byte)Math.Clamp(((x + y) & 0xFF) / 2 + 64 + noise, 0, 255);
                row[x * 4 + 3] = 255;
            }
        }
        return image;
    }
}
