using System.Diagnostics;
using System.Net.WebSockets;
using Xunit.Abstractions;
using WebRtcBridge.Protocol.MsgPack;
using WebRtcBridge.Signaling.Tests.Infrastructure;

namespace WebRtcBridge.Signaling.Tests;

/// <summary>
/// Issue 9's attack, end to end against the real server in its own process: four realtime sessions each send
/// <c>{"x": ["" × 16 million]}</c> (16 MB of msgpack, under the 16 MiB message cap) to bridge/echo. Before the
/// element and allocation budgets this took the server from 62 MB to about 5 GB and stalled everything in GC; now
/// each gets BAD_REQUEST at the array header, the server's peak RSS stays under 1 GB, and a fifth session's round
/// trips stay short throughout.
/// </summary>
public sealed class HostileInputTests(ITestOutputHelper output)
{
    private const long PeakRssLimit = 1L << 30;

    /// <summary>The small session's p95 round trip while the attack runs. Measured on a loaded 2-core machine: about
    /// 10-40 ms (see the test output); before the fix GC pauses of several seconds over gigabytes of heap.</summary>
    private static readonly TimeSpan RoundTripP95Bound = TimeSpan.FromMilliseconds(500);

    private static readonly TimeSpan AttackTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Four_16_MB_messages_of_empty_strings_leave_the_server_small_and_other_sessions_fast()
    {
        await using var server = await ChildServer.StartAsync();
        var url = server.WsUrl("bridge/echo/realtime");
        var hostile = SixteenMillionEmptyStrings();
        var startRss = server.StatusBytes("VmRSS");

        await using var small = await WsTestClient.ConnectAsync(url);
        var sequence = 0;
        for (var i = 0; i < 20; i++) await RoundTripAsync(small, sequence++); // warm up
        var baseline = new List<double>();
        for (var i = 0; i < 30; i++) baseline.Add(await RoundTripAsync(small, sequence++));

        using var stop = new CancellationTokenSource();
        var overLimit = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        long peak = 0;
        var monitor = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try { peak = server.StatusBytes("VmHWM"); }
                catch (IOException) { return; }
                if (peak > PeakRssLimit) overLimit.TrySetResult(peak);
                await Task.Delay(20);
            }
        });

        var replies = new string[4];
        var attack = Task.WhenAll(Enumerable.Range(0, 4).Select(async n =>
        {
            await using var ws = await WsTestClient.ConnectAsync(url);
            var sent = Stopwatch.StartNew();
            await ws.SendBinaryAsync(hostile);
            var reply = await ReceiveAsync(ws, AttackTimeout);
            replies[n] = reply.Type == WebSocketMessageType.Text ? reply.Text : $"binary reply of {reply.Data.Length} bytes";
            replies[n] += $" after {sent.ElapsedMilliseconds} ms";
            if (reply.Type == WebSocketMessageType.Text)
            {
                Assert.Equal("x-fal-error", reply.Json.GetProperty("type").GetString());
                Assert.Equal("BAD_REQUEST", reply.Json.GetProperty("error").GetString());
            }
            // The session goes on.
            await RoundTripAsync(ws, 1_000_000 + n);
        }));

        var during = new List<double>();
        var attackTimer = Stopwatch.StartNew();
        while ((!attack.IsCompleted || during.Count < 50) && !overLimit.Task.IsCompleted && attackTimer.Elapsed < AttackTimeout)
            during.Add(await RoundTripAsync(small, sequence++).WaitAsync(AttackTimeout));
        if (overLimit.Task.IsCompleted)
            Assert.Fail($"server peak RSS {await overLimit.Task / 1048576} MB passed {PeakRssLimit / 1048576} MB during the attack " +
                $"(started at {startRss / 1048576} MB; {during.Count} small round trips, last {during.LastOrDefault():F0} ms)");
        await attack.WaitAsync(AttackTimeout);
        await stop.CancelAsync();
        await monitor;
        peak = server.StatusBytes("VmHWM");

        var p95 = Percentile(during, 0.95);
        output.WriteLine($"server RSS at start {startRss / 1048576} MB, peak (VmHWM) {peak / 1048576} MB, now {server.StatusBytes("VmRSS") / 1048576} MB");
        output.WriteLine($"small session round trip: before p50 {Percentile(baseline, 0.5):F1} ms p95 {Percentile(baseline, 0.95):F1} ms; " +
            $"during the attack ({during.Count} round trips in {attackTimer.ElapsedMilliseconds} ms) p50 {Percentile(during, 0.5):F1} ms " +
            $"p95 {p95:F1} ms max {during.Max():F1} ms (bound {RoundTripP95Bound.TotalMilliseconds} ms)");
        foreach (var r in replies) output.WriteLine("hostile session: " + r);
        Assert.True(peak < PeakRssLimit, $"peak RSS {peak / 1048576} MB");
        Assert.True(p95 < RoundTripP95Bound.TotalMilliseconds, $"p95 round trip {p95:F1} ms during the attack");
    }

    /// <summary><c>{"x": ["" × 16,000,000]}</c>: 16,000,008 bytes.</summary>
    private static byte[] SixteenMillionEmptyStrings()
    {
        const int count = 16_000_000;
        var bytes = new byte[8 + count];
        byte[] header = [0x81, 0xa1, (byte)'x', 0xdd]; // fixmap 1, fixstr "x", array32
        header.CopyTo(bytes, 0);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), count);
        bytes.AsSpan(8).Fill(0xa0);
        return bytes;
    }

    /// <summary>One small msgpack input echoed back; the round trip in milliseconds.</summary>
    private static async Task<double> RoundTripAsync(WsTestClient ws, int sequence)
    {
        var started = Stopwatch.GetTimestamp();
        await ws.SendBinaryAsync(MsgPackSerializer.EncodeToArray(MsgValue.Map(("seq", sequence), ("note", "small"))));
        var reply = await ws.ReceiveAsync();
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        Assert.Equal(WebSocketMessageType.Binary, reply.Type);
        Assert.Equal(sequence, MsgPackSerializer.Decode(reply.Data)["seq"].AsInt64());
        return elapsed;
    }

    private static async Task<WsTestClient.Frame> ReceiveAsync(WsTestClient ws, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new MemoryStream();
        var chunk = new byte[1 << 20];
        while (true)
        {
            var r = await ws.Socket.ReceiveAsync(chunk, cts.Token);
            if (r.MessageType == WebSocketMessageType.Close) return new(r.MessageType, [], ws.Socket.CloseStatus, null);
            buffer.Write(chunk, 0, r.Count);
            if (r.EndOfMessage) return new(r.MessageType, buffer.ToArray(), null, null);
        }
    }

    private static double Percentile(List<double> samples, double p)
    {
        var sorted = samples.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
