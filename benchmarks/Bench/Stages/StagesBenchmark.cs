using System.Diagnostics;
using System.Globalization;
using WebRtcBridge.Bench.Common;
using WebRtcBridge.WebRtc.Srtp;

namespace WebRtcBridge.Bench.Stages;

/// <summary>
/// Per-frame cost of each stage of the server's /webrtc path (identity filter) at 640x480 / 1000 kbps and
/// 1280x720 / 2500 kbps, as a markdown table (see <see cref="StageTimings"/>).
/// Args: [--frames N] [--cpu-used N] [--profile gcm|cm].
/// </summary>
public sealed class StagesBenchmark : IBenchmark
{
    public string Name => "stages";
    public string Description => "ms and bytes allocated per frame for each /webrtc stage (receive, decode, handler, encode, send); --frames N --cpu-used N --profile gcm|cm";

    public Task RunAsync(string[] args, TextWriter output)
    {
        int frames = BenchArgs.Int(args, "--frames", 300);
        int cpuUsed = BenchArgs.Int(args, "--cpu-used", -6);
        var profileText = BenchArgs.Text(args, "--profile", "gcm");
        SrtpProtectionProfile profile;
        switch (profileText)
        {
            case "gcm": profile = SrtpProtectionProfile.AeadAes128Gcm; break;
            case "cm": profile = SrtpProtectionProfile.AesCm128HmacSha1_80; break;
            default:
                output.WriteLine($"stages: --profile must be gcm (AEAD_AES_128_GCM) or cm (AES_CM_128_HMAC_SHA1_80), not '{profileText}'");
                return Task.CompletedTask;
        }

        var started = Stopwatch.GetTimestamp();
        var vga = StageTimings.Measure(640, 480, frames, cpuUsed, 1000, profile);
        var hd = StageTimings.Measure(1280, 720, frames, cpuUsed, 2500, profile);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        output.WriteLine($"stages: {frames} frames (+30 warm-up) per size, one thread, libvpx VP8 cpu-used {cpuUsed}, 1 thread; " +
                         $"SRTP {profile}; 640x480 @ 1000 kbps, 1280x720 @ 2500 kbps; TestPattern content; " +
                         $"{Environment.ProcessorCount} cores; run took {seconds:F1} s");
        output.WriteLine();
        output.WriteLine("| stage | 640x480 p50 ms | p99 ms | alloc/frame | 1280x720 p50 ms | p99 ms | alloc/frame |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        var rows = vga.Stages.Zip(hd.Stages).Append((vga.Codec, hd.Codec)).Append((vga.Total, hd.Total));
        foreach (var (a, b) in rows)
            output.WriteLine($"| {a.Stage} | {Ms(a.P50Ms)} | {Ms(a.P99Ms)} | {Bytes(a.AllocBytesPerFrame)} | {Ms(b.P50Ms)} | {Ms(b.P99Ms)} | {Bytes(b.AllocBytesPerFrame)} |");
        output.WriteLine();
        foreach (var r in new[] { vga, hd })
            output.WriteLine($"{r.Width}x{r.Height}: in {r.InputPacketsPerFrame:F1} packets / {r.InputBytesPerFrame / 1024:F1} KiB per frame " +
                             $"({r.InputKeyFrames} keyframes), out {r.OutputPacketsPerFrame:F1} packets / {r.OutputBytesPerFrame / 1024:F1} KiB per frame " +
                             $"({r.OutputKeyFrames} keyframes, {r.ServerEncoderDrops} dropped by rate control); means: total {r.Total.MeanMs:F2} ms, " +
                             $"codec {r.Codec.MeanMs:F2} ms; gen0 GCs while measuring: {r.Gen0Collections}");
        return Task.CompletedTask;
    }

    private static string Ms(double v) => v.ToString(v < 0.1 ? "F3" : "F2", CultureInfo.InvariantCulture);

    private static string Bytes(double v) => v < 0.5 ? "0 B" : v < 10 * 1024 ? $"{v:F0} B" : $"{v / 1024:F1} KiB";
}
