using System.Buffers;
using System.Diagnostics;
using WebRtcBridge.Bench.Common;
using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.Bench.Codec;

/// <summary>
/// VP8 encode and decode time per frame (one thread) on synthetic moving content, at 640x480 and 1280x720.
/// Args: [--cpu-used N] [--frames N] [--threads N] [--noise-sensitivity N] [--paced-fps N] [--kbps-vga N] [--kbps-hd N].
/// </summary>
public sealed class CodecBenchmark : IBenchmark
{
    public string Name => "codec";
    public string Description => "VP8 (libvpx) encode/decode ms per frame at 640x480 and 1280x720; --cpu-used N --frames N";

    public Task RunAsync(string[] args, TextWriter output)
    {
        int cpuUsed = BenchArgs.Int(args, "--cpu-used", -6);
        int frames = BenchArgs.Int(args, "--frames", 300);
        int threads = BenchArgs.Int(args, "--threads", 1);
        int noise = BenchArgs.Int(args, "--noise-sensitivity", new Vp8EncoderSettings().NoiseSensitivity);
        int pacedFps = BenchArgs.Int(args, "--paced-fps", 0);
        output.WriteLine($"codec: libvpx VP8 realtime, cpu-used {cpuUsed}, threads {threads}, {frames} frames, " +
                         $"noise sensitivity {noise}, {Environment.ProcessorCount} cores, synthetic moving gradient + texture, 30 fps timestamps");
        Measure(640, 480, BenchArgs.Int(args, "--kbps-vga", 1000), cpuUsed, threads, noise, frames, pacedFps, output);
        Measure(1280, 720, BenchArgs.Int(args, "--kbps-hd", 2500), cpuUsed, threads, noise, frames, pacedFps, output);
        return Task.CompletedTask;
    }

    /// <summary>One encode + decode pass: per-frame times, the bitrate reached and the mean luma PSNR against the source.</summary>
    public sealed record CodecRun(double EncodeMeanMs, double EncodeP50Ms, double DecodeMeanMs, double Kbps, double PsnrY);

    /// <summary>
    /// Encodes <paramref name="count"/> TestPattern frames, decodes them, and measures (printing a line when asked).
    /// <paramref name="pacedFps"/> 0 runs back to back (the codec-only floor); N sleeps so frames come at N fps, as in
    /// a live session.
    /// </summary>
    public static CodecRun Measure(int width, int height, int kbps, int cpuUsed, int threads, int noise, int count, int pacedFps = 0,
        TextWriter? output = null)
    {
        var settings = new Vp8EncoderSettings { TargetBitrateKbps = kbps, CpuUsed = cpuUsed, Threads = threads, NoiseSensitivity = noise };
        using var encoder = new Vp8Encoder(settings);
        using var decoder = new Vp8Decoder(new VideoFramePool(4));
        using var source = VideoFrame.Create(width, height);
        var writer = new ArrayBufferWriter<byte>(256 * 1024);
        var encoded = new List<(int Index, byte[] Data)>(count);
        var encMs = new List<double>(count);
        var decMs = new List<double>(count);
        long totalBytes = 0;
        double psnrSum = 0;
        int psnrCount = 0;

        for (int i = 0; i < count; i++)
        {
            TestPattern.Render(source, i);
            source.RtpTimestamp = (uint)(i * 3000);
            writer.ResetWrittenCount();
            long t0 = Stopwatch.GetTimestamp();
            var r = encoder.Encode(source, false, writer);
            encMs.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            Pace(pacedFps, encMs[^1]);
            if (!r.Encoded) continue;
            totalBytes += r.Length;
            encoded.Add((i, writer.WrittenSpan.ToArray()));
        }
        for (int i = 0; i < encoded.Count; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            var status = decoder.Decode(encoded[i].Data, out var frame);
            decMs.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            Pace(pacedFps, decMs[^1]);
            if (status != Vp8DecodeStatus.Ok) throw new InvalidOperationException($"decode failed: {status}");
            if (i % 10 == 0)
            {
                TestPattern.Render(source, encoded[i].Index);
                psnrSum += Psnr(source.Y, frame!.Y);
                psnrCount++;
            }
            frame!.Dispose();
        }

        double seconds = count / 30.0;
        output?.WriteLine($"  {width}x{height} @ {kbps} kbps target: encode median {Pct(encMs, 50):F2} ms, p99 {Pct(encMs, 99):F2} ms, " +
                         $"mean {encMs.Average():F2} ms | decode median {Pct(decMs, 50):F2} ms, p99 {Pct(decMs, 99):F2} ms | " +
                         $"actual {totalBytes * 8 / seconds / 1000:F0} kbps, keyframes {encoder.KeyFramesEncoded}, dropped {encoder.FramesDropped}" +
                         (psnrCount > 0 ? $", Y PSNR ~{psnrSum / psnrCount:F1} dB" : ""));
        return new CodecRun(encMs.Average(), Pct(encMs, 50), decMs.Average(), totalBytes * 8 / seconds / 1000, psnrCount > 0 ? psnrSum / psnrCount : double.NaN);
    }

    // The rest of one frame interval at pacedFps after a step that took busyMs (nothing when unpaced).
    private static void Pace(int pacedFps, double busyMs)
    {
        if (pacedFps > 0) Thread.Sleep(Math.Max(0, 1000 / pacedFps - (int)busyMs));
    }

    private static double Pct(List<double> values, double p)
    {
        if (values.Count == 0) return 0;
        var sorted = values.ToArray();
        Array.Sort(sorted);
        int idx = (int)Math.Ceiling(p / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(idx, 0, sorted.Length - 1)];
    }

    private static double Psnr(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        double sse = 0;
        for (int i = 0; i < a.Length; i++) { int d = a[i] - b[i]; sse += d * d; }
        return sse == 0 ? 99 : 10 * Math.Log10(255.0 * 255.0 * a.Length / sse);
    }
}
