using System.Buffers;
using System.Globalization;
using WebRtcBridge.Bench.Common;
using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.Bench.Overload;

/// <summary>
/// Why degradation scales the bitrate with the frames encoded: a CBR encoder (libvpx VP8, our settings) given every
/// other frame of a 30 fps stream at the same target bitrate makes each frame about twice as large, and encoding a
/// larger frame costs more; at half the bitrate the frames stay at their 30 fps size. Three encoders over the same
/// 640x480 TestPattern content, in interleaved rounds (the machine's drift hits all three alike): 30 fps at B,
/// 15 fps at B, 15 fps at B/2. Prints encode CPU per frame (thread time) and bytes per frame.
/// Args: [--kbps 1000] [--frames 300] [--rounds 3] [--cpu-used -6].
/// </summary>
public sealed class BitsPerFrameBenchmark : IBenchmark
{
    public string Name => "bitsperframe";
    public string Description => "CBR at half the frame rate: frame size and encode cost at the same vs a halved bitrate";

    public Task RunAsync(string[] args, TextWriter output)
    {
        int kbps = BenchArgs.Int(args, "--kbps", 1000), frames = BenchArgs.Int(args, "--frames", 300), rounds = BenchArgs.Int(args, "--rounds", 3);
        int cpuUsed = BenchArgs.Int(args, "--cpu-used", -6);
        var cases = new (string Label, int Step, int Kbps)[] { ("30 fps, B", 1, kbps), ("15 fps, B (CBR alone)", 2, kbps), ("15 fps, B/2 (scaled)", 2, kbps / 2) };
        var cpu = new double[cases.Length];
        var bytes = new long[cases.Length];
        var count = new long[cases.Length];
        using var source = VideoFrame.Create(640, 480);
        var writer = new ArrayBufferWriter<byte>(256 * 1024);
        for (int r = 0; r < rounds; r++)
        {
            for (int c = 0; c < cases.Length; c++)
            {
                using var encoder = new Vp8Encoder(new Vp8EncoderSettings { TargetBitrateKbps = cases[c].Kbps, CpuUsed = cpuUsed });
                int warmup = 60;
                for (int i = 0; i < frames + warmup; i += cases[c].Step)
                {
                    TestPattern.Render(source, i);
                    source.RtpTimestamp = (uint)(i * 3000);
                    writer.ResetWrittenCount();
                    var t0 = ThreadCpu();
                    var result = encoder.Encode(source, false, writer);
                    var t1 = ThreadCpu();
                    if (i < warmup) continue;
                    cpu[c] += (t1 - t0).TotalMilliseconds;
                    bytes[c] += result.Length;
                    count[c]++;
                }
            }
        }
        output.WriteLine($"640x480 TestPattern, VP8 cpu-used {cpuUsed}, CBR, {rounds} interleaved rounds of {frames} source frames:");
        for (int c = 0; c < cases.Length; c++)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {cases[c].Label,-24} target {cases[c].Kbps,5} kbit/s: encode {cpu[c] / count[c]:F2} ms CPU/frame, {bytes[c] / count[c],6} B/frame ({count[c]} frames)"));
        return Task.CompletedTask;
    }

    // The process's CPU time (getrusage, microseconds): this benchmark runs one busy thread, so it is that thread's.
    private static TimeSpan ThreadCpu() => Environment.CpuUsage.TotalTime;
}
