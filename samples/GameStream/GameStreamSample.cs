using System.Diagnostics;
using WebRtcBridge.ClientKit.WebRtcStreaming;
using WebRtcBridge.Protocol.MsgPack;
using WebRtcBridge.WebRtc;
using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.Samples.GameStream;

/// <summary>What the sample streams, and where.</summary>
public sealed record GameStreamOptions(Uri Server, string Filter = "invert", int Width = 640, int Height = 480, int Fps = 30,
    TimeSpan? Duration = null, string? Key = null, System.Net.IPAddress[]? HostAddresses = null);

/// <summary>Totals of a run.</summary>
public sealed record GameStreamResult(long FramesSent, long FramesReturned, double P50Ms, double P99Ms);

/// <summary>
/// A stand-in for a game engine: renders synthetic frames (a moving scene into an RGBA buffer, as an engine's
/// render target would be read back), streams them through the bridge with <see cref="WebRtcStreamClient"/>, and
/// prints live fps and p50/p99 round-trip latency per second, measured per frame from the timestamps that come back.
/// </summary>
public static class GameStreamSample
{
    public static async Task<GameStreamResult> RunAsync(GameStreamOptions o, TextWriter log, CancellationToken ct = default)
    {
        await using var client = new WebRtcStreamClient(new WebRtcStreamClientOptions
        {
            BaseUrl = o.Server,
            AppId = "bridge/filters",
            Key = o.Key,
            Parameters = new Dictionary<string, MsgValue> { ["filter"] = o.Filter },
            PeerConnection = o.HostAddresses is null ? new PeerConnectionOptions() : new PeerConnectionOptions { HostAddresses = o.HostAddresses },
        });
        log.WriteLine($"connecting to {o.Server} (filter {o.Filter}, {o.Width}x{o.Height} @ {o.Fps} fps)…");
        await client.ConnectAsync(ct);
        log.WriteLine("connected");
        var window = new List<double>();
        var all = new List<double>();
        long returned = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var reader = Task.Run(async () =>
        {
            try
            {
                await foreach (var frame in client.ReadFramesAsync(stop.Token))
                {
                    using (frame)
                    {
                        lock (window)
                        {
                            window.Add(frame.RoundTrip.TotalMilliseconds);
                            all.Add(frame.RoundTrip.TotalMilliseconds);
                            returned++;
                        }
                    }
                }
            }
            catch (OperationCanceledException) { }
        }, CancellationToken.None);

        var rgba = new byte[o.Width * o.Height * 4];
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / o.Fps));
        var clock = Stopwatch.StartNew();
        var lastReport = clock.Elapsed;
        long sentAtReport = 0, returnedAtReport = 0, frame = 0;
        var duration = o.Duration ?? TimeSpan.MaxValue;
        while (clock.Elapsed < duration && await timer.WaitForNextTickAsync(ct))
        {
            Render(rgba, o.Width, o.Height, frame);
            client.SendFrame(rgba, o.Width, o.Height, o.Width * 4, PackedPixelLayout.Rgba, timestamp: frame++);
            if (clock.Elapsed - lastReport >= TimeSpan.FromSeconds(1))
            {
                var secs = (clock.Elapsed - lastReport).TotalSeconds;
                double[] w;
                long back;
                lock (window)
                {
                    w = [.. window];
                    window.Clear();
                    back = returned;
                }
                log.WriteLine($"sent {(client.FramesSent - sentAtReport) / secs,5:F1} fps · back {(back - returnedAtReport) / secs,5:F1} fps · " +
                              $"round trip p50 {Percentile(w, 50),6:F1} ms p99 {Percentile(w, 99),6:F1} ms");
                sentAtReport = client.FramesSent;
                returnedAtReport = back;
                lastReport = clock.Elapsed;
            }
        }
        // Let the last frames come back before totting up.
        await Task.Delay(TimeSpan.FromMilliseconds(300), ct);
        await stop.CancelAsync();
        await reader;
        double[] total;
        lock (window) total = [.. all];
        var result = new GameStreamResult(client.FramesSent, returned, Percentile(total, 50), Percentile(total, 99));
        log.WriteLine($"total: {result.FramesSent} sent, {result.FramesReturned} back, round trip p50 {result.P50Ms:F1} ms, p99 {result.P99Ms:F1} ms");
        return result;
    }

    /// <summary>A moving scene: a gradient sky, a bouncing square and a frame counter bar.</summary>
    public static void Render(Span<byte> rgba, int width, int height, long frame)
    {
        var bx = (int)(Math.Abs((frame * 7) % (2 * (width - 64)) - (width - 64)));
        var by = (int)(Math.Abs((frame * 5) % (2 * (height - 64)) - (height - 64)));
        for (var y = 0; y < height; y++)
        {
            var row = rgba.Slice(y * width * 4, width * 4);
            for (var x = 0; x < width; x++)
            {
                var inBox = x >= bx && x < bx + 64 && y >= by && y < by + 64;
                row[x * 4] = inBox ? (byte)250 : (byte)(x * 255 / width);
                row[x * 4 + 1] = inBox ? (byte)200 : (byte)(y * 255 / height);
                row[x * 4 + 2] = inBox ? (byte)20 : (byte)((frame * 2) & 0xff);
                row[x * 4 + 3] = 255;
            }
        }
    }

    private static double Percentile(double[] values, double p)
    {
        if (values.Length == 0) return double.NaN;
        Array.Sort(values);
        return values[Math.Clamp((int)Math.Ceiling(p / 100 * values.Length) - 1, 0, values.Length - 1)];
    }
}
