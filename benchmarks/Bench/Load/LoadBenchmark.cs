using System.Globalization;
using System.Net;
using WebRtcBridge.Bench.Common;

namespace WebRtcBridge.Bench.Load;

/// <summary>
/// Holds N load sessions against a running server's <c>/webrtc</c> endpoint and prints a measurement window every
/// few seconds (for profiling a server under a steady load). Server CPU is read when --pid is given.
/// Args: --url ws://127.0.0.1:5000/webrtc [--sessions N] [--seconds S] [--client-address A] [--pid PID].
/// </summary>
public sealed class LoadBenchmark : IBenchmark
{
    public string Name => "load";
    public string Description => "hold N pre-encoded 640x480 30 fps sessions against --url and print windows; --sessions N --seconds S";

    public async Task RunAsync(string[] args, TextWriter output)
    {
        string Arg(string name, string fallback) => BenchArgs.Text(args, name, fallback);
        var url = new Uri(Arg("--url", "ws://127.0.0.1:5000/webrtc"));
        int sessions = int.Parse(Arg("--sessions", "1"), CultureInfo.InvariantCulture);
        double seconds = double.Parse(Arg("--seconds", "30"), CultureInfo.InvariantCulture);
        var client = IPAddress.Parse(Arg("--client-address", Environment.GetEnvironmentVariable("NETNS_ADDR_B") ?? "127.0.0.1"));
        int pid = int.Parse(Arg("--pid", "0"), CultureInfo.InvariantCulture);
        var clip = EncodedClip.Encode(640, 480, 300, 1000, -6);
        await using var server = pid > 0 ? ServerProcess.Attach(pid) : null;
        await using var fleet = new LoadFleet(clip, client, url, server);
        await fleet.ResizeAsync(sessions);
        var end = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < end)
            output.WriteLine(CapacityProbe.Describe(await fleet.MeasureAsync(TimeSpan.Zero, TimeSpan.FromSeconds(5))));
    }
}
