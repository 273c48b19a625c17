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
    CapacityResult Capacity)
{
    /// <summary>Latency (one session through the relay, 12 s), then the capacity ramp.</summary>
    public static async Task<ServerFigures> MeasureAsync(string name, ServerProcess server, EncodedClip clip, IPAddress clientAddress,
        int rampStart, int rampStep, TimeSpan window, TextWriter log)
    {
        var url = Url(server);
        var (latency, unmatched, stages) = await MeasureLatencyAsync(clip, clientAddress, url, log);
        await using var fleet = new LoadFleet(clip, clientAddress, url, server);
        log.WriteLine($"    {name}: capacity ramp from {rampStart} by {rampStep}");
        var capacity = await CapacityProbe.RampAsync(fleet, rampStart, rampStep, 64, TimeSpan.FromSeconds(3), window, log);
        return new ServerFigures(name, latency, unmatched, stages, capacity);
    }

    /// <summary><paramref name="sessions"/> fresh sessions on the server once it is idle, one window, then closed.</summary>
    public static async Task<LoadWindow> MeasureFreshAsync(ServerProcess server, EncodedClip clip, IPAddress clientAddress, int sessions, TimeSpan window, TextWriter log)
    {
        await WaitForIdleAsync(server, log);
        await using var fleet = new LoadFleet(clip, clientAddress, Url(server), server);
        await fleet.ResizeAsync(sessions);
        var w = await fleet.MeasureAsync(TimeSpan.FromSeconds(4), window);
        log.WriteLine($"    equal load: {CapacityProbe.Describe(w)}");
        return w;
    }

    private static Uri Url(ServerProcess server) => new($"ws://127.0.0.1:{server.Port}/webrtc");

    // Until the server uses under a fifth of a core over a second (at most 20 s).
    public static async Task WaitForIdleAsync(ServerProcess server, TextWriter log)
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
    private static Dictionary<string, double> StageMeans(IEnumerable<JsonObject> stats)
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
