using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using WebRtcBridge.Bench.Common;
using WebRtcBridge.Bench.Load;
using WebRtcBridge.Bench.Realtime;
using WebRtcBridge.Bench.Stages;
using WebRtcBridge.WebRtc.Srtp;

namespace WebRtcBridge.Bench.Report;

/// <summary>
/// The benchmark report (issue "Benchmarks"): per-stage times, bridge-added latency, capacity against the codec-only
/// floor, aiortc side by side and the realtime WebSocket figures, in one run, printed as one markdown table and
/// written to docs/benchmarks.md. Run it with ./bench.sh (which builds, installs aiortc and enters a private network
/// namespace, because aiortc gathers no ICE candidates on loopback).
/// Args: [--out PATH] [--cpu-used N] [--bitrate-kbps N] [--window S] [--no-aiortc].
/// </summary>
public sealed class ReportBenchmark : IBenchmark
{
    public string Name => "report";
    public string Description => "the whole benchmark report -> docs/benchmarks.md (run through ./bench.sh)";

    private const int Fps = 30;

    public async Task RunAsync(string[] args, TextWriter output)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        string root = RepoRoot();
        string outPath = BenchArgs.Text(args, "--out", Path.Combine(root, "docs", "benchmarks.md"));
        int cpuUsed = int.Parse(BenchArgs.Text(args, "--cpu-used", "-6"), CultureInfo.InvariantCulture);
        int kbps = int.Parse(BenchArgs.Text(args, "--bitrate-kbps", "1000"), CultureInfo.InvariantCulture);
        var window = TimeSpan.FromSeconds(double.Parse(BenchArgs.Text(args, "--window", "6"), CultureInfo.InvariantCulture));
        bool withAiortc = !args.Contains("--no-aiortc");
        var serverAddress = IPAddress.Parse(Environment.GetEnvironmentVariable("NETNS_ADDR_A") ?? "127.0.0.1");
        var clientAddress = IPAddress.Parse(Environment.GetEnvironmentVariable("NETNS_ADDR_B") ?? "127.0.0.1");
        var log = Console.Error;
        string loadBefore = MachineInfo.LoadAverage();
        log.WriteLine($"report: {MachineInfo.Describe()}; load average {loadBefore}");

        var rows = new List<string>();
        var details = new StringBuilder();
        void Row(string section, string measure, string value, string target = "", string verdict = "") =>
            rows.Add($"| {section} | {measure} | {value} | {target} | {verdict} |");

        // 1. Per-stage times, one thread, the server's own classes (StageTimings).
        log.WriteLine($"[{clock.Elapsed:mm\\:ss}] 1. per-stage times");
        var vga = StageTimings.Measure(640, 480, 300, cpuUsed, kbps, SrtpProtectionProfile.AeadAes128Gcm);
        var hd = StageTimings.Measure(1280, 720, 300, cpuUsed, 2500, SrtpProtectionProfile.AeadAes128Gcm);
        foreach (var (label, report) in new[] { ("640x480", vga), ("1280x720", hd) })
            foreach (var stage in report.Stages.Append(report.Total))
                Row("1", $"{label} {(stage == report.Total ? "all stages (identity path)" : stage.Stage)}", $"p50 {F(stage.P50Ms)} · p99 {F(stage.P99Ms)} ms",
                    "", stage.AllocBytesPerFrame >= 1 ? $"{stage.AllocBytesPerFrame:F0} B/frame allocated" : "");
        // The codec-only floor (decode + encode of the same stream, one thread) is measured three times, spread over the
        // run (now, before and after our server's ramp), and the median is used: one measurement of ~10 s swings by
        // 30% on this shared 2-core machine.
        var codecRuns = new List<StageStats> { vga.Codec };
        StageStats CodecSample() => StageTimings.Measure(640, 480, 150, cpuUsed, kbps, SrtpProtectionProfile.AeadAes128Gcm).Codec;
        double FloorSessions(double ms) => Environment.ProcessorCount * 1000.0 / (Fps * ms);

        // 5 early, while the machine is quiet: the realtime WebSocket figures.
        log.WriteLine($"[{clock.Elapsed:mm\\:ss}] 5. realtime WebSocket");
        var realtime = await RealtimeEchoBenchmark.MeasureAsync(8);

        // Encoder speed trade-off on the same content (cpu-used is Bridge:WebRtc:EncoderSpeed).
        foreach (int speed in new[] { cpuUsed, -10, -12 }.Distinct())
        {
            var run = Codec.CodecBenchmark.Measure(640, 480, kbps, speed, 1, new WebRtcBridge.WebRtc.Media.Vp8EncoderSettings().NoiseSensitivity, 150);
            Row("1", $"640x480 encoder speed cpu-used {speed}{(speed == cpuUsed ? " (used below)" : "")}: encode mean · luma PSNR at {run.Kbps:F0} kbit/s",
                $"{F(run.EncodeMeanMs)} ms · {run.PsnrY:F1} dB", "", "");
        }

        // The replayed stream: the same content and settings as the stage and codec measurements.
        var clip = EncodedClip.Encode(640, 480, 300, kbps, cpuUsed);
        log.WriteLine($"[{clock.Elapsed:mm\\:ss}] clip: {clip.Count} frames, {clip.MeanBytes * 8 * Fps / 1000:F0} kbit/s");

        // Both servers run from here on (an idle one costs nothing): ramps one after the other, then the equal-load
        // CPU comparison in ABBA order (ours, aiortc, aiortc, ours) so that drift in this shared machine's speed
        // during the run hits both alike.
        string dll = Path.Combine(root, "src", "Signaling", "bin", "Release", "net10.0", "WebRtcBridge.Signaling.dll");
        await using var oursServer = ServerProcess.StartBridge(dll, [
            "--Bridge:WebRtc:HostAddresses:0", serverAddress.ToString(),
            "--Bridge:WebRtc:EncoderSpeed", cpuUsed.ToString(CultureInfo.InvariantCulture),
            "--Bridge:WebRtc:StartBitrateKbps", kbps.ToString(CultureInfo.InvariantCulture),
            "--Bridge:WebRtc:MaxBitrateKbps", kbps.ToString(CultureInfo.InvariantCulture),
            "--Bridge:MaxSessions", "200"]);
        await using var aiortcServer = withAiortc
            ? ServerProcess.StartAiortc(Path.Combine(root, "benchmarks", "aiortc", "aiortc_server.py"),
                ["--ice-address", serverAddress.ToString(), "--bitrate-kbps", kbps.ToString(CultureInfo.InvariantCulture)])
            : null;
        await oursServer.WaitListeningAsync(TimeSpan.FromSeconds(60));
        if (aiortcServer is not null) await aiortcServer.WaitListeningAsync(TimeSpan.FromSeconds(30));

        // 4 first: aiortc's capacity sets the equal load at which both servers' CPU per frame is compared.
        ServerFigures? aiortc = null;
        if (aiortcServer is not null)
        {
            log.WriteLine($"[{clock.Elapsed:mm\\:ss}] 4. aiortc server");
            aiortc = await ServerFigures.MeasureAsync("aiortc", aiortcServer, clip, clientAddress, 1, 2, window, log);
        }
        int equalLoad = aiortc?.Capacity.Sessions ?? 0;

        // 2 and 3: our server.
        log.WriteLine($"[{clock.Elapsed:mm\\:ss}] 2./3. our server");
        if (aiortcServer is not null) await ServerFigures.WaitForIdleAsync(aiortcServer, log); // its ramp ended overloaded
        codecRuns.Add(CodecSample());
        int start = Math.Max(2, (int)(FloorSessions(codecRuns.Average(c => c.MeanMs)) * 0.6));
        var ours = await ServerFigures.MeasureAsync("our server", oursServer, clip, clientAddress, start, 2, window, log);

        // 4. Equal loads, ABBA.
        var equal = new List<EqualLoad>();
        if (aiortcServer is not null)
        {
            log.WriteLine($"[{clock.Elapsed:mm\\:ss}] 4. equal loads, ours and aiortc in ABBA order");
            foreach (int n in new[] { 1, equalLoad }.Where(n => n > 0).Distinct())
            {
                var mine = new List<LoadWindow>();
                var theirs = new List<LoadWindow>();
                mine.Add(await ServerFigures.MeasureFreshAsync(oursServer, clip, clientAddress, n, window, log));
                theirs.Add(await ServerFigures.MeasureFreshAsync(aiortcServer, clip, clientAddress, n, window, log));
                theirs.Add(await ServerFigures.MeasureFreshAsync(aiortcServer, clip, clientAddress, n, window, log));
                mine.Add(await ServerFigures.MeasureFreshAsync(oursServer, clip, clientAddress, n, window, log));
                equal.Add(new EqualLoad(n, mine, theirs));
            }
        }
        codecRuns.Add(CodecSample());
        double codecMs = new Samples(codecRuns.Select(c => c.MeanMs)).Percentile(50); // encode + decode per frame, mean: the floor's unit cost
        double codecP50 = new Samples(codecRuns.Select(c => c.P50Ms)).Percentile(50);
        double floorSessions = FloorSessions(codecMs);
        string codecSpread = string.Join(", ", codecRuns.Select(c => F(c.MeanMs)));

        foreach (var f in new[] { aiortc, ours })
            if (f is not null)
                details.AppendLine($"{f.Name}: capacity ramp:").AppendLine().AppendJoin('\n', f.Capacity.Windows.Select(w => "    " + CapacityProbe.Describe(w))).AppendLine().AppendLine();
        if (equal.Count > 0)
            details.AppendLine("equal loads, in the order measured (ours, aiortc, aiortc, ours):").AppendLine()
                .AppendJoin('\n', equal.SelectMany(e => new[] { ("ours", e.Ours[0]), ("aiortc", e.Aiortc[0]), ("aiortc", e.Aiortc[1]), ("ours", e.Ours[1]) })
                    .Select(x => $"    {x.Item1,-6} {CapacityProbe.Describe(x.Item2)}")).AppendLine().AppendLine();

        // 2. Latency rows.
        double latencyTarget = codecP50 + 2;
        double p50 = ours.Latency.Percentile(50), p99 = ours.Latency.Percentile(99);
        var live = ours.LiveStageMeans;
        string liveText = live.Count == 0 ? "" : $"; server's own stats, means: decode {F(live.GetValueOrDefault("decodeMs", double.NaN))}, " +
            $"queue {F(live.GetValueOrDefault("queueMs", double.NaN))}, encode {F(live.GetValueOrDefault("encodeMs", double.NaN))} ms";
        Row("2", $"bridge-added latency, ours (last input packet → first output packet; identity, 640x480, {Fps} fps)",
            $"p50 {F(p50)} · p99 {F(p99)} ms (n={ours.Latency.Count}, unmatched {ours.LatencyUnmatched}){liveText}",
            $"p50 ≤ codec p50 {F(codecP50)} (median of 3) + 2 = {F(latencyTarget)} ms; p99 ≤ 2×p50",
            Verdict(p50 <= latencyTarget && p99 <= 2 * p50));
        if (aiortc is not null)
            Row("2", "bridge-added latency, aiortc (same workload)", $"p50 {F(aiortc.Latency.Percentile(50))} · p99 {F(aiortc.Latency.Percentile(99))} ms (n={aiortc.Latency.Count}, unmatched {aiortc.LatencyUnmatched})", "baseline", "");

        // 3. Capacity rows.
        Row("3", "codec-only floor: 640x480 decode + encode of the same stream, mean per frame (one thread; median of 3 spread over the run)",
            $"{F(codecMs)} ms ({codecSpread}) → {floorSessions:F1} sessions of {Fps} fps on {Environment.ProcessorCount} cores", "", "");
        double ratio = ours.Capacity.Sessions / floorSessions;
        Row("3", $"capacity, ours (640x480 {Fps} fps identity; every session ≥ 29 fps out, < 1% dropped)",
            $"{ours.Capacity.Sessions} sessions = {ratio:F2} × floor" + (ours.Capacity.StoppedBecause is { } why ? $" ({why})" : ""), "≥ 0.85 × floor", Verdict(ratio >= 0.85));
        if (ours.Capacity.AtCapacity is { } c)
        {
            Row("3", $"server CPU per frame at capacity ({c.Sessions} sessions)", $"{F(c.ServerCpuMsPerFrame)} ms ({c.ServerCpuPercent:F0}% of one core; {F(c.ServerCpuMsPerFrame / codecMs)} × codec); {c.KbpsOutPerSession:F0} kbit/s out per session", "", "");
            Row("3", "load client CPU at capacity (pre-encoded VP8 over real WebRTC, no decoding)", $"{F(c.ClientCpuMsPerFrame)} ms per frame ({c.ClientCpuPercent:F0}% of one core)", "", "");
        }

        // 4. aiortc rows.
        if (aiortc is not null)
        {
            Row("4", "capacity, aiortc (same bar)", $"{aiortc.Capacity.Sessions} sessions; ours / aiortc = {(aiortc.Capacity.Sessions == 0 ? "n/a" : F((double)ours.Capacity.Sessions / aiortc.Capacity.Sessions))}", "", "");
            foreach (var e in equal)
            {
                double mine = e.Ours.Average(w => w.ServerCpuMsPerFrame), theirs = e.Aiortc.Average(w => w.ServerCpuMsPerFrame);
                double r = mine / theirs;
                Row("4", $"server CPU per frame at {e.Sessions} session{(e.Sessions == 1 ? "" : "s")}{(e.Sessions == equalLoad && e.Sessions > 1 ? " (aiortc's capacity)" : "")}: ours / aiortc (ABBA, mean of 2 each)",
                    $"{F(mine)} / {F(theirs)} ms = {F(r)} (ours {string.Join(", ", e.Ours.Select(w => F(w.ServerCpuMsPerFrame)))}; aiortc {string.Join(", ", e.Aiortc.Select(w => F(w.ServerCpuMsPerFrame)))}; codec alone {F(codecMs)} ms); " +
                    $"fps out {e.Ours.Min(w => w.MinFpsOut):F1} / {e.Aiortc.Min(w => w.MinFpsOut):F1} min; out {e.Ours.Average(w => w.KbpsOutPerSession):F0} / {e.Aiortc.Average(w => w.KbpsOutPerSession):F0} kbit/s per session",
                    "≤ 0.6", Verdict(r <= 0.6));
            }
        }
        else Row("4", "aiortc side by side", "not measured (--no-aiortc)", "", "");

        // 5. Realtime WebSocket.
        foreach (var rc in realtime)
            Row("5", $"realtime bridge/echo vs bare WebSocket echo, {rc.Payload} msgpack, one in flight",
                $"{rc.Bridge.Rate:F0} vs {rc.Bare.Rate:F0} msgs/s = {F(rc.Ratio)}; RTT p50 {rc.Bridge.P50:F3} / p99 {rc.Bridge.P99:F3} ms (bare {rc.Bare.P50:F3} / {rc.Bare.P99:F3})",
                "≥ 0.8", Verdict(rc.Ratio >= 0.8));

        // How close to the floor: computed from the figures above, for the doc.
        var reading = new StringBuilder();
        if (ours.Capacity.AtCapacity is { } oc)
            reading.AppendLine($"- At capacity our server spends {F(oc.ServerCpuMsPerFrame / codecMs)} × the codec-only time per frame " +
                               $"({F(oc.ServerCpuMsPerFrame)} vs {F(codecMs)} ms); capacity is {ratio:F2} of the codec floor. The rest of the gap is the " +
                               "headroom a 2-core machine needs to give every session ≥ 29 fps (frames start to drop before the CPU is at 100%) and the load client's share.");
        reading.AppendLine($"- Bridge-added latency p50 {F(p50)} ms against a codec p50 of {F(codecP50)} ms (one thread, warm caches); the server's own " +
                           $"per-frame means during the same seconds were decode {F(live.GetValueOrDefault("decodeMs", double.NaN))} + encode {F(live.GetValueOrDefault("encodeMs", double.NaN))} ms.");
        if (aiortc?.Capacity.AtCapacity is { } ac2)
            reading.AppendLine($"- aiortc spends {F(ac2.ServerCpuMsPerFrame / codecMs)} × the codec-only time per frame at its capacity. Both servers run the same " +
                               $"libvpx with the same settings (cpu-used -6, 1 thread, CBR), so a server with no overhead at all would still be at " +
                               $"{F(codecMs / ac2.ServerCpuMsPerFrame)} of aiortc's CPU per frame: the ≤ 0.6 target is out of reach at equal encoder settings. " +
                               "A faster encoder speed lowers the codec time at a cost in quality (the speed rows give the PSNR).");
        var table = new StringBuilder()
            .AppendLine("| # | measure | value | target | verdict / note |")
            .AppendLine("|---|---|---|---|---|")
            .AppendJoin('\n', rows).AppendLine().ToString();
        output.Write(table);
        string method = Method(cpuUsed, kbps, window, clip);
        string doc = $"""
            # Benchmarks

            Run on {started:yyyy-MM-dd HH:mm} UTC in {clock.Elapsed.TotalMinutes:F1} min with `./bench.sh`.
            Machine: {MachineInfo.Describe()}. Load average before {loadBefore}, after {MachineInfo.LoadAverage()}.
            Encoder: libvpx VP8 `cpu-used` {cpuUsed} (`Bridge:WebRtc:EncoderSpeed`), 1 thread, CBR {kbps} kbit/s at 640x480 and 2500 kbit/s at 1280x720.

            {table}
            ## Reading the figures

            {reading}
            ## Method

            {method}

            ## Raw ramps

            {details}
            """;
        Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
        await File.WriteAllTextAsync(outPath, doc + KeptSections(outPath));
        log.WriteLine($"[{clock.Elapsed:mm\\:ss}] written to {outPath}");
    }

    /// <summary>Marks where sections written by other benchmarks begin (the msgpack comparison): the report keeps them.</summary>
    public const string KeptSectionsMarker = "<!-- Sections below are written by other benchmarks and kept when the report is regenerated. -->";

    private static string KeptSections(string path)
    {
        if (!File.Exists(path)) return "";
        var old = File.ReadAllText(path);
        var at = old.IndexOf(KeptSectionsMarker, StringComparison.Ordinal);
        return at < 0 ? "" : "\n" + old[at..];
    }

    private static string Method(int cpuUsed, int kbps, TimeSpan window, EncodedClip clip) => $"""
        - Content: `TestPattern` (a moving gradient with texture and a moving bar), 640x480 and 1280x720, 30 fps timestamps.
        - 1 (stages): one thread, the server's own classes, 300 frames after a warm-up: SRTP (AEAD_AES_128_GCM) unprotect +
          RTP parse + VP8 depacketize + frame assembly summed over a frame's packets; libvpx decode; the `bridge/filters`
          frame handler with `identity` and `invert`; libvpx encode (cpu-used {cpuUsed}, 1 thread, CBR); packetize + RTP
          header + SRTP protect. The codec-only floor is decode + encode of that same stream, measured three times over the
          run (at the start, before and after our server's capacity ramp; 300, 150 and 150 frames) and taken as the median. The speed rows encode 150
          frames of the same content at other `cpu-used` values and give the luma PSNR of the decoded result.
        - 2 (latency): one session; a UDP relay between the load client and the server stamps the last RTP packet of each
          input frame (marker bit) and the first RTP packet of each output frame (RTP headers are readable under SRTP); an
          output is matched to its input by RTP timestamp (plus the server's constant offset, found as the most common
          difference). 12 s at 30 fps; the relay adds two loopback hops (tens of microseconds). Our server's own stats
          messages (per-stage means over the same seconds) are shown beside it.
        - 3 (capacity): the load client replays a pre-encoded VP8 stream ({clip.Count} frames, {clip.MeanBytes * 8 * 30 / 1000:F0} kbit/s) to every
          session over real WebRTC (ICE, DTLS-SRTP, RTCP), sessions staggered over the frame interval, and counts complete
          returned frames without decoding them. A level is sustained when every session gets at least 29 fps back and
          fewer than 1% of the frames sent do not come back, over a {window.TotalSeconds:F0} s window after a 3 s warm-up (a failed level is
          measured twice). Server CPU is utime + stime of the server process from /proc over the window, divided by the
          frames it returned; the load client's CPU is its own process's. Floor = cores × 1000 ms / (30 × codec ms per frame).
          Then both servers are measured at equal loads (1 session, and aiortc's capacity) in ABBA order (ours, aiortc,
          aiortc, ours), each window with fresh sessions on an idle server, so that drift in the machine's speed during
          the run cancels; both server processes run throughout (an idle one uses no CPU).
        - 4 (aiortc): Debian python3-aiortc serving the same signaling (`benchmarks/aiortc/aiortc_server.py`), returning
          each decoded frame unchanged (identity) with its bitrate pinned to {kbps} kbit/s like ours, driven by the same client and clip.
        - 5 (realtime): `bridge/echo` over fal's realtime WebSocket protocol against a bare ASP.NET WebSocket echo in the
          same process, 8 s per case in 4 interleaved rounds (bare, bridge, bare, ...), one message in flight; measured first, while the machine is quiet.
        - Everything runs inside a private network namespace (`scripts/netns-run.sh`): servers on 10.255.0.1, the client
          on 10.255.0.2, signaling on 127.0.0.1. Nothing leaves the machine.
        """;

    /// <summary>Both servers at the same session count, measured ours, aiortc, aiortc, ours.</summary>
    private sealed record EqualLoad(int Sessions, List<LoadWindow> Ours, List<LoadWindow> Aiortc);

    private static string Verdict(bool met) => met ? "met" : "**not met**";

    private static string F(double v) => double.IsNaN(v) ? "n/a" : v.ToString(v >= 100 ? "F0" : "F2", CultureInfo.InvariantCulture);

    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "WebRtcBridge.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
