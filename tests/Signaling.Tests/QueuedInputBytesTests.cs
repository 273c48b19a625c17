using System.Diagnostics.Metrics;
using WebRtcBridge.MediaRunner.Realtime;
using WebRtcBridge.Signaling.Tests.Infrastructure;

namespace WebRtcBridge.Signaling.Tests;

/// <summary>A realtime session's queued inputs are bounded in bytes (Bridge:MaxQueuedInputBytes), not only in count.</summary>
public sealed class QueuedInputBytesTests
{
    // About 1 KB on the wire and 2.2 KB decoded (a 1000-character string is 2 KB as UTF-16).
    private static string Input(int i) => $$"""{"i":{{i}},"pad":"{{new string('x', 1000)}}"}""";

    [Fact]
    public async Task The_oldest_inputs_are_dropped_when_the_queue_holds_more_bytes_than_the_cap()
    {
        using var received = new MeterListener();
        var inputs = 0L;
        var changed = new SemaphoreSlim(0);
        received.InstrumentPublished = (i, l) =>
        {
            if (i.Meter.Name == RealtimeMetrics.MeterName && i.Name == "realtime.inputs") l.EnableMeasurementEvents(i);
        };
        received.SetMeasurementEventCallback<long>((_, v, _, _) => { Interlocked.Add(ref inputs, v); changed.Release(); });
        received.Start();
        var gated = new GatedApp();
        // The gated app buffers 4 inputs; 5000 bytes hold only two of these.
        await using var server = await TestServer.StartAsync(r => r.Add(gated.Build()),
            new Dictionary<string, string?> { ["Bridge:MaxQueuedInputBytes"] = "5000" });
        await using var ws = await WsTestClient.ConnectAsync(server.WsUrl("test/gated/realtime"), "Key " + TestServer.Key);
        await ws.SendTextAsync(Input(0));
        Assert.True(await gated.Started.WaitAsync(WsTestClient.Timeout));
        for (var i = 1; i <= 9; i++) await ws.SendTextAsync(Input(i));
        // Input 10 is small and marks the end of the replies.
        await ws.SendTextAsync("""{"i":10}""");
        using (var cts = new CancellationTokenSource(WsTestClient.Timeout))
            while (Interlocked.Read(ref inputs) < 11) await changed.WaitAsync(cts.Token);
        gated.Release.Release(100);
        var seen = new List<int>();
        while (seen.Count == 0 || seen[^1] != 10) seen.Add((await ws.ReceiveAsync()).Json.GetProperty("i").GetInt32());
        // By count alone (4) the queue would hold 7, 8, 9, 10; by bytes (2232 decoded bytes each, 96 for the marker)
        // only 8, 9 and 10 fit in 5000.
        Assert.Equal([0, 8, 9, 10], seen);
    }

    [Fact]
    public void The_default_is_32_MiB()
        => Assert.Equal(32L * 1024 * 1024, new Hosting.BridgeOptions().MaxQueuedInputBytes);
}
