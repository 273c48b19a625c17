using System.Net;
using System.Text.Json.Nodes;
using WebRtcBridge.Bench.Common;
using WebRtcBridge.Bench.Load;

namespace WebRtcBridge.Bench.Report;

/// <summary>Everything the report measures against one server process, by the same procedure for ours and aiortc.</summary>
public sealed record ServerFigures(
    string Name,
    Samples Latency,
    int LatencyUnmatched,
    IReadOnlyDictionary<string, double> LiveStageMeans,
    CapacityResult Capacity,
    IReadOnlyDictionary<int, LoadWindow> FixedLoads)
{
    /// <summary>
    /// Latency (one session through the relay, 12 s), then the capacity ramp, then (warm) a window at each of
    /// <paramref name="fixedLoads"/> sessions for CPU per frame at equal load.
    /// </summary>
    public static async Task<ServerFigures> MeasureAsync(string name, ServerProcess server, EncodedClip clip, IPAddress clientAddress,
        int rampStart, int rampStep, IEnumerable<int> fixedLoads, TimeSpan window, TextWriter log)
    {
        var url = new Uri($"ws://127.0.0.1:{server.Port}/webrtc");
        var (latency, unmatched, stages) = await MeasureLatencyAsync(clip, clientAddress, url, log);
        await using var fleet = new LoadFleet(clip, clientAddress, url, server);
        log.WriteLine($"    {name}: capacity ramp from {rampStart} by {rampStep}");
        var capacity = await CapacityProbe.RampAsync(fleet, rampStart, rampStep, 64, TimeSpan.FromSeconds(3), window, log);
        var fixedWindows = new Dictionary<int, LoadWindow>();
        foreach (int n in fixedLoads.Distinct().Where(n => n > 0).OrderByDescending(n => n))
        {
            // Fresh sessions on an idle server: the ramp ends overloaded, and a server may be left with backlogs or
            // broken sessions (aiortc's queues are unbounded).
            await fleet.ResizeAsync(0);
            await WaitForIdleAsync(server, log);
            await fleet.ResizeAsync(n);
            var w = await fleet.MeasureAsync(TimeSpan.FromSeconds(4), window);
            fixedWindows[n] = w;
            log.WriteLine($"    fixed load: {CapacityProbe.Describe(w)}");
        }
        return new ServerFigures(name, latency, unmatched, stages, capacity, fixedWindows);
    }

    // Until the server uses under a fifth of a core over a second (at most 20 s).
    private static async Task WaitForIdleAsync(ServerProcess server, TextWriter log)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            double before = server.CpuMilliseconds();
            await Task.Delay(1000);
            if (server.CpuMilliseconds() - before < 200) return;
        }
        log.WriteLine("    the server is still busy 20 s after its sessions closed");
    }

    private static async Task<(Samples, int, IReadOnlyDictionary<string, double>)> MeasureLatencyAsync(
        EncodedClip clip, IPAddress clientAddress, Uri url, TextWriter log)
    {
        LatencyRelay? relay = null;
        try
        {
            await using var session = new LoadSession(clip, clientAddress)
            {
                RewriteAnswer = sdp => LatencyRelay.RewriteAnswer(sdp, s => (relay = new LatencyRelay(clientAddress, s)).FrontEndPoint).Sdp,
            };
            using var pacer = new FramePacer(30);
            await session.ConnectAsync(url, TimeSpan.FromSeconds(30));
            pacer.Add(session);
            await Task.Delay(TimeSpan.FromSeconds(12));
            pacer.Remove(session);
            var (samples, offset, unmatched) = relay!.Latencies();
            log.WriteLine($"    latency: p50 {samples.Percentile(50):F2} p99 {samples.Percentile(99):F2} max {samples.Max:F2} ms, n={samples.Count}, " +
                          $"rtp offset {offset}, unmatched {unmatched}, sent {session.FramesSent}, returned {session.FramesReturned}");
            return (samples, unmatched, StageMeans(session.ServerStats.Skip(2)));
        }
        finally
        {
            relay?.Dispose();
        }
    }

    // The server's own per-stage times from its stats messages (ours: decodeMs, queueMs, handlerMs, encodeMs), averaged.
    private static IReadOnlyDictionary<string, double> StageMeans(IEnumerable<JsonObject> stats)
    {
        var sums = new Dictionary<string, (double Sum, int Count)>();
        foreach (var message in stats)
        {
            if (message["stages"] is not JsonObject stages) continue;
            foreach (var (key, value) in stages)
            {
                if (value is not JsonValue v || !v.TryGetValue(out double d)) continue;
                var (sum, count) = sums.GetValueOrDefault(key);
                sums[key] = (sum + d, count + 1);
            }
        }
        return sums.ToDictionary(p => p.Key, p => p.Value.Sum / p.Value.Count);
    }
}
