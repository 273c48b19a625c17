namespace WebRtcBridge.Bench.Load;

/// <summary>The result of a capacity ramp: the largest sustained session count and every window measured.</summary>
public sealed record CapacityResult(int Sessions, LoadWindow? AtCapacity, IReadOnlyList<LoadWindow> Windows, string? StoppedBecause);

/// <summary>
/// Finds how many sessions a server sustains (<see cref="LoadWindow.Sustained"/>): grows the fleet by a step until
/// a level fails (a failed level is measured twice, to tell a stall from noise), then refines by one between the
/// last sustained and the first failed level. Sessions stay connected while the fleet grows.
/// </summary>
public static class CapacityProbe
{
    public static async Task<CapacityResult> RampAsync(LoadFleet fleet, int start, int step, int max, TimeSpan warmup, TimeSpan window, TextWriter log)
    {
        var windows = new List<LoadWindow>();
        int best = 0, firstFailed = int.MaxValue, n = Math.Max(1, start);
        LoadWindow? atBest = null;
        string? stopped = null;
        while (true)
        {
            if (n >= firstFailed || n > max)
            {
                if (n > max) stopped = $"reached the probe's limit of {max} sessions";
                if (step == 1 || n > max) break;
                step = 1;
                n = best + 1;
                continue;
            }
            LoadWindow w;
            try
            {
                await fleet.ResizeAsync(n);
                w = await fleet.MeasureAsync(warmup, window);
                if (!w.Sustained)
                {
                    log.WriteLine($"    {Describe(w)} -> not sustained, measuring again");
                    w = await fleet.MeasureAsync(TimeSpan.FromSeconds(1), window);
                }
            }
            catch (Exception e)
            {
                log.WriteLine($"    {n} sessions: could not connect ({e.GetBaseException().Message})");
                w = new LoadWindow(n, 0, 0, 0, 100, double.NaN, double.NaN, double.NaN, double.NaN, 0);
            }
            windows.Add(w);
            log.WriteLine($"    {Describe(w)} -> {(w.Sustained ? "sustained" : "NOT sustained")}");
            if (w.Sustained)
            {
                best = n;
                atBest = w;
                n += step;
            }
            else
            {
                firstFailed = n;
                if (best == 0 && n > 1) { n = Math.Max(1, n / 2); step = 1; continue; }
                if (step == 1) break;
                step = 1;
                n = best + 1;
            }
        }
        return new CapacityResult(best, atBest, windows, stopped);
    }

    public static string Describe(LoadWindow w) =>
        $"{w.Sessions,2} sessions: fps out min {w.MinFpsOut:F1} mean {w.MeanFpsOut:F1}, {w.KbpsOutPerSession:F0} kbit/s out each, dropped {w.DroppedPercent:F2}%, " +
        $"server {w.ServerCpuMsPerFrame:F2} ms CPU/frame ({w.ServerCpuPercent:F0}% of a core), " +
        $"load client {w.ClientCpuMsPerFrame:F2} ms/frame ({w.ClientCpuPercent:F0}%)" + (w.PacerTicksSkipped > 0 ? $", pacer skipped {w.PacerTicksSkipped}" : "") +
        (w.ServerPipelineDrops > 0 ? $", server pipeline drops {w.ServerPipelineDrops}" : "") +
        (w.KeyFrameRequests > 0 ? $", keyframe requests {w.KeyFrameRequests}" : "") +
        (w.PacketsLost > 0 ? $", packets lost server->client {w.PacketsLost}" : "");
}
