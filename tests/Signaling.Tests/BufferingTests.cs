using System.Diagnostics.Metrics;
using WebRtcBridge.MediaRunner.Realtime;
using WebRtcBridge.Signaling.Tests.Infrastructure;

namespace WebRtcBridge.Signaling.Tests;

/// <summary>Drop-oldest input buffering with the client's max_buffering, and batching (docs/protocols.md#realtime-messages).</summary>
public sealed class BufferingTests
{
    /// <summary>Counts inputs the server has received (the in-process server's meter).</summary>
    private sealed class InputCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _count;
        private readonly SemaphoreSlim _changed = new(0);

        public InputCounter()
        {
            _listener.InstrumentPublished = (i, l) =>
            {
                if (i.Meter.Name == RealtimeMetrics.MeterName && i.Name == "realtime.inputs") l.EnableMeasurementEvents(i);
            };
            _listener.SetMeasurementEventCallback<long>((_, v, _, _) =>
            {
                Interlocked.Add(ref _count, v);
                _changed.Release();
            });
            _listener.Start();
        }

        public async Task WaitFor(long atLeast)
        {
            using var cts = new CancellationTokenSource(WsTestClient.Timeout);
            while (Interlocked.Read(ref _count) < atLeast) await _changed.WaitAsync(cts.Token);
        }

        public void Dispose() => _listener.Dispose();
    }

    private static string Input(int i) => $$"""{"i":{{i}}}""";

    [Fact]
    public async Task Max_buffering_keeps_only_the_newest_inputs_while_the_handler_is_busy()
    {
        var gated = new GatedApp();
        await using var server = await TestServer.StartAsync(r => r.Add(gated.Build()));
        using var counter = new InputCounter();
        await using var ws = await WsTestClient.ConnectAsync(server.WsUrl("test/gated/realtime?max_buffering=2"), "Key " + TestServer.Key);
        await ws.SendTextAsync(Input(0));
        Assert.True(await gated.Started.WaitAsync(WsTestClient.Timeout));
        for (var i = 1; i <= 9; i++) await ws.SendTextAsync(Input(i));
        await counter.WaitFor(10);
        gated.Release.Release(100);
        var seen = new List<int>();
        for (var n = 0; n < 3; n++) seen.Add((await ws.ReceiveAsync()).Json.GetProperty("i").GetInt32());
        Assert.Equal([0, 8, 9], seen);
    }

    [Fact]
    public async Task Unary_batches_take_up_to_max_batch_size_inputs()
    {
        var gated = new GatedApp();
        await using var server = await TestServer.StartAsync(r => r.Add(gated.Build(maxBatch: 3)));
        using var counter = new InputCounter();
        await using var ws = await WsTestClient.ConnectAsync(server.WsUrl("test/gated/realtime"), "Key " + TestServer.Key);
        await ws.SendTextAsync(Input(0));
        Assert.True(await gated.Started.WaitAsync(WsTestClient.Timeout));
        for (var i = 1; i <= 4; i++) await ws.SendTextAsync(Input(i)); // buffering 4 holds them all
        await counter.WaitFor(5);
        gated.Release.Release(100);
        Assert.Equal(0, (await ws.ReceiveAsync()).Json.GetProperty("i").GetInt32());
        Assert.Equal(3, (await ws.ReceiveAsync()).Json.GetProperty("i").GetInt32()); // one output for the batch 1..3
        Assert.Equal(4, (await ws.ReceiveAsync()).Json.GetProperty("i").GetInt32());
        lock (gated.BatchSizes) Assert.Equal([1, 3, 1], gated.BatchSizes);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("61")]
    [InlineData("x")]
    public async Task Out_of_range_max_buffering_is_refused_in_band(string value)
    {
        await using var server = await TestServer.StartAsync();
        await using var ws = await WsTestClient.ConnectAsync(server.WsUrl($"bridge/echo/realtime?max_buffering={value}"), "Key " + TestServer.Key);
        var frame = await ws.ReceiveAsync();
        Assert.Equal("max_buffering", frame.Json.GetProperty("field").GetString());
        Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.PolicyViolation, await ws.ReceiveCloseAsync());
    }
}
