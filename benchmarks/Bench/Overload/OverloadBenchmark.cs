using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using WebRtcBridge.Bench.Common;
using WebRtcBridge.Bench.Load;
using WebRtcBridge.Bench.Report;

namespace WebRtcBridge.Bench.Overload;

/// <summary>
/// The overload run (issue 9, item 5): sessions are added past the node's capacity, one at a time, in steps, against
/// our server in three configurations, each in its own server process: as shipped (admission and degradation on),
/// admission off (degradation alone has to hold the sessions), and both off (what the node did before). After each
/// step: sessions connected and refused, fps back per session (min / median), the sessions' degradation levels (from
/// their stats messages), kbit/s and bytes per frame back, server CPU, and the load the node measured (/health).
/// Run it in the network namespace: <c>scripts/netns-run.sh dotnet benchmarks/Bench/bin/Release/net10.0/WebRtcBridge.Bench.dll overload</c>.
/// Args: [--steps 4,8,10,12,14,16,18] [--window S] [--cpu-used N] [--configs shipped,no-admission,off] [--out PATH]
/// [--doc: also put the run into docs/benchmarks.md, between the overload-run markers].
/// </summary>
public sealed class OverloadBenchmark : IBenchmark
{
    public string Name => "overload";
    public string Description => "sessions past capacity: admission refuses, degradation holds fps (--steps 4,8,12 --window S)";

    private sealed record Config(string Name, string Label, string[] Args);

    private static readonly Config[] Configs =
    [
        new("shipped", "admission and degradation on (defaults)", []),
        new("no-admission", "admission off, degradation on", ["--Bridge:Admission:Enabled", "false"]),
        new("off", "admission and degradation off (before this change)", ["--Bridge:Admission:Enabled", "false", "--Bridge:Degradation:Enabled", "false"]),
    ];

    public async Task RunAsync(string[] args, TextWriter output)
    {
        var steps = BenchArgs.Text(args, "--steps", "4,8,10,12,14,16,18").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var window = TimeSpan.FromSeconds(double.Parse(BenchArgs.Text(args, "--window", "6"), CultureInfo.InvariantCulture));
        int cpuUsed = BenchArgs.Int(args, "--cpu-used", -6);
        var wanted = BenchArgs.Text(args, "--configs", string.Join(',', Configs.Select(c => c.Name))).Split(',');
        string root = ReportBenchmark.RepoRoot();
        string? outPath = BenchArgs.Text(args, "--out", "") is { Length: > 0 } o ? o : null;
        var serverAddress = IPAddress.Parse(Environment.GetEnvironmentVariable("NETNS_ADDR_A") ?? "127.0.0.1");
        var clientAddress = IPAddress.Parse(Environment.GetEnvironmentVariable("NETNS_ADDR_B") ?? "127.0.0.1");
        var log = Console.Error;
        log.WriteLine($"overload: {MachineInfo.Describe()}; load average {MachineInfo.LoadAverage()}");
        var clip = EncodedClip.Encode(640, 480, 300, 1000, cpuUsed);
        string dll = Path.Combine(root, "src", "Signaling", "bin", "Release", "net10.0", "WebRtcBridge.Signaling.dll");
        var report = new StringBuilder();
        report.AppendLine($"Run on {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC; {MachineInfo.Describe()}; load average before {MachineInfo.LoadAverage()}.").AppendLine();
        foreach (var config in Configs.Where(c => wanted.Contains(c.Name)))
        {
            log.WriteLine($"--- {config.Label}");
            report.AppendLine($"{config.Label}:").AppendLine().AppendLine("```");
            await using var server = ServerProcess.StartBridge(dll, [
                "--Bridge:WebRtc:HostAddresses:0", serverAddress.ToString(),
                "--Bridge:WebRtc:EncoderSpeed", cpuUsed.ToString(CultureInfo.InvariantCulture),
                "--Bridge:WebRtc:StartBitrateKbps", "1000", "--Bridge:WebRtc:MaxBitrateKbps", "1000",
                "--Bridge:MaxSessions", "200", .. config.Args]);
            await server.WaitListeningAsync(TimeSpan.FromSeconds(60));
            await using var fleet = new LoadFleet(clip, clientAddress, new Uri($"ws://127.0.0.1:{server.Port}/webrtc"), server);
            int refused = 0;
            string? lastRefusal = null;
            foreach (int target in steps)
            {
                int asked = 0, refusedNow = 0;
                while (fleet.Sessions.Count + refusedNow < target)
                {
                    asked++;
                    var why = await fleet.TryAddAsync();
                    if (why is null) continue;
                    refusedNow++;
                    lastRefusal = why;
                }
                refused += refusedNow;
                var line = await MeasureAsync(fleet, server, target, refused, window);
                log.WriteLine("    " + line);
                report.AppendLine(line);
            }
            report.AppendLine("```").AppendLine();
            if (lastRefusal is not null) report.AppendLine($"Last refusal: `{lastRefusal}`").AppendLine();
        }
        report.AppendLine($"Load average after {MachineInfo.LoadAverage()}.");
        output.WriteLine(report.ToString());
        if (outPath is not null) await File.WriteAllTextAsync(outPath, report.ToString());
        if (args.Contains("--doc")) await WriteIntoDocAsync(Path.Combine(root, "docs", "benchmarks.md"), report.ToString(), log);
    }

    private const string RunStart = "<!-- overload-run: written by `Bench overload --doc` -->", RunEnd = "<!-- /overload-run -->";

    // Replaces the run between the markers in docs/benchmarks.md's "## Overload" section (the text around them stays).
    private static async Task WriteIntoDocAsync(string path, string run, TextWriter log)
    {
        var doc = File.Exists(path) ? await File.ReadAllTextAsync(path) : "";
        int start = doc.IndexOf(RunStart, StringComparison.Ordinal), end = doc.IndexOf(RunEnd, StringComparison.Ordinal);
        if (start < 0 || end < start)
        {
            log.WriteLine($"{path} has no overload-run markers: not written");
            return;
        }
        doc = doc[..(start + RunStart.Length)] + "\n" + run.TrimEnd() + "\n" + doc[end..];
        await File.WriteAllTextAsync(path, doc);
        log.WriteLine($"overload run written into {path}");
    }

    private static async Task<string> MeasureAsync(LoadFleet fleet, ServerProcess server, int asked, int refused, TimeSpan window)
    {
        await Task.Delay(TimeSpan.FromSeconds(4)); // the degradation controller samples once a second and steps after two
        var sessions = fleet.Sessions.ToArray();
        var back0 = sessions.Select(s => s.FramesReturned).ToArray();
        long bytes0 = sessions.Sum(s => s.BytesReturned);
        double cpu0 = server.CpuMilliseconds();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Task.Delay(window);
        double seconds = clock.Elapsed.TotalSeconds;
        double cpu = (server.CpuMilliseconds() - cpu0) / 10 / seconds;
        var fps = sessions.Select((s, i) => (s.FramesReturned - back0[i]) / seconds).Order().ToArray();
        long frames = sessions.Select((s, i) => s.FramesReturned - back0[i]).Sum();
        long bytes = sessions.Sum(s => s.BytesReturned) - bytes0;
        var levels = sessions.Select(Level).GroupBy(l => l).OrderBy(g => g.Key).Select(g => g.Key < 0 ? $"n/a×{g.Count()}" : $"L{g.Key}×{g.Count()}");
        string node = await NodeLoadAsync(server.Port);
        double median = fps.Length == 0 ? 0 : fps[fps.Length / 2];
        return string.Create(CultureInfo.InvariantCulture,
            $"asked {asked,2}: connected {sessions.Length,2}, refused so far {refused,2} | fps back min {(fps.Length == 0 ? 0 : fps[0]):F1} median {median:F1} | " +
            $"levels {string.Join(" ", levels)} | {(sessions.Length == 0 ? 0 : bytes * 8 / 1000.0 / seconds / sessions.Length):F0} kbit/s and {(frames == 0 ? 0 : bytes / frames):F0} B/frame back | " +
            $"server CPU {cpu:F0}% of a core | node load {node}");
    }

    private static int Level(LoadSession s)
    {
        var stats = s.ServerStats;
        return stats.Count > 0 && stats[^1]["degradation"] is JsonObject d && d["level"] is JsonValue v && v.TryGetValue(out int level) ? level : -1;
    }

    private static async Task<string> NodeLoadAsync(int port)
    {
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var health = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/health"));
            return health?["load"] is JsonObject l ? $"{(double?)l["load"]:F2} ({(double?)l["cpuMsPerFrame"]:F2} ms/frame)" : "n/a";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            return "n/a";
        }
    }
}
