using System.Diagnostics;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using WebRtcBridge.Protocol.MsgPack;
using WebRtcBridge.Signaling.Hosting;

namespace WebRtcBridge.Bench.Realtime;

/// <summary>
/// Realtime round trips to <c>bridge/echo</c> (decode msgpack, handler, encode, one session) against a bare ASP.NET
/// WebSocket echo endpoint in the same process and run: messages/s with one message in flight, and p50/p99 round
/// trip, for 1 KiB and 100 KiB binary inputs. Both servers run on Kestrel on 127.0.0.1.
/// </summary>
public sealed class RealtimeEchoBenchmark : IBenchmark
{
    public string Name => "realtime";
    public string Description => "bridge/echo vs a bare WebSocket echo: msgs/s and p50/p99 RTT for 1 KiB and 100 KiB";

    public async Task RunAsync(string[] args, TextWriter output)
    {
        var seconds = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 5;
        output.WriteLine($"# realtime echo benchmark: {Environment.ProcessorCount} cores, {seconds} s per case, one message in flight, client and server in one process, {RoundsPerCase} interleaved rounds per case");
        output.WriteLine("| payload | endpoint | msgs/s | p50 RTT (ms) | p99 RTT (ms) | throughput ratio |");
        output.WriteLine("|---|---|---|---|---|---|");
        foreach (var c in await MeasureAsync(seconds))
        {
            output.WriteLine($"| {c.Payload} | bare WebSocket echo | {c.Bare.Rate:F0} | {c.Bare.P50:F3} | {c.Bare.P99:F3} | 1.00 |");
            output.WriteLine($"| {c.Payload} | bridge/echo (msgpack) | {c.Bridge.Rate:F0} | {c.Bridge.P50:F3} | {c.Bridge.P99:F3} | {c.Ratio:F2} |");
        }
    }

    /// <summary>One payload size: the bare echo and bridge/echo, measured one after the other in the same process.</summary>
    public sealed record RealtimeCase(string Payload, (double Rate, double P50, double P99) Bare, (double Rate, double P50, double P99) Bridge)
    {
        public double Ratio => Bridge.Rate / Bare.Rate;
    }

    /// <summary>Runs both endpoints on one Kestrel on 127.0.0.1 for 1 KiB and 100 KiB inputs, <paramref name="seconds"/> each.</summary>
    public static async Task<IReadOnlyList<RealtimeCase>> MeasureAsync(double seconds)
    {
        var app = BridgeServer.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Error"], configure: null);
        app.Map("/bare-echo", async (HttpContext http) =>
        {
            using var ws = await http.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[256 * 1024];
            while (true)
            {
                var length = 0;
                ValueWebSocketReceiveResult r;
                do
                {
                    r = await ws.ReceiveAsync(buffer.AsMemory(length), default);
                    length += r.Count;
                } while (!r.EndOfMessage && r.MessageType != WebSocketMessageType.Close);
                if (r.MessageType == WebSocketMessageType.Close) break;
                await ws.SendAsync(buffer.AsMemory(0, length), r.MessageType, true, default);
            }
            await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", default);
        });
        await app.StartAsync();
        var address = BridgeServer.ListeningUri(app).ToString().TrimEnd('/').Replace("http://", "ws://");
        var cases = new List<RealtimeCase>();
        foreach (var size in new[] { 1024, 100 * 1024 })
        {
            var payload = new byte[size];
            new Random(size).NextBytes(payload);
            var message = MsgPackSerializer.EncodeToArray(MsgValue.Map(("image", payload), ("request_id", "bench")));
            // Interleaved rounds (bare, bridge, bare, bridge, ...) so drift in the machine's load hits both alike.
            var bare = new Rounds();
            var bridge = new Rounds();
            for (int round = 0; round < RoundsPerCase; round++)
            {
                bare.Add(await Measure(new Uri(address + "/bare-echo"), message, seconds / RoundsPerCase));
                bridge.Add(await Measure(new Uri(address + "/bridge/echo/realtime"), message, seconds / RoundsPerCase));
            }
            cases.Add(new RealtimeCase($"{size / 1024} KiB", bare.Result(), bridge.Result()));
        }
        await app.StopAsync();
        return cases;
    }

    private const int RoundsPerCase = 4;

    /// <summary>Round trips of several rounds together: overall rate, percentiles over every sample.</summary>
    private sealed class Rounds
    {
        private readonly List<double> _samples = [];
        private double _seconds;

        public void Add((List<double> Samples, double Seconds) round)
        {
            _samples.AddRange(round.Samples);
            _seconds += round.Seconds;
        }

        public (double Rate, double P50, double P99) Result()
        {
            _samples.Sort();
            return (_samples.Count / _seconds, _samples[_samples.Count / 2], _samples[(int)(_samples.Count * 0.99)]);
        }
    }

    private static async Task<(List<double> Samples, double Seconds)> Measure(Uri url, byte[] message, double seconds)
    {
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(url, default);
        var buffer = new byte[message.Length + 4096];
        // Warm-up, then the timed run.
        for (var i = 0; i < 200; i++) await RoundTrip(ws, message, buffer);
        var samples = new List<double>(100_000);
        var total = Stopwatch.StartNew();
        while (total.Elapsed.TotalSeconds < seconds)
        {
            var start = Stopwatch.GetTimestamp();
            await RoundTrip(ws, message, buffer);
            samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        var elapsed = total.Elapsed.TotalSeconds;
        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "", default);
        return (samples, elapsed);
    }

    private static async Task RoundTrip(ClientWebSocket ws, byte[] message, byte[] buffer)
    {
        await ws.SendAsync(message, WebSocketMessageType.Binary, true, default);
        var length = 0;
        ValueWebSocketReceiveResult r;
        do
        {
            r = await ws.ReceiveAsync(buffer.AsMemory(length), default);
            length += r.Count;
        } while (!r.EndOfMessage);
        if (length != message.Length) throw new InvalidOperationException($"echo returned {length} bytes, sent {message.Length}");
    }
}
