using WebRtcBridge.MediaRunner.Apps;
using WebRtcBridge.Protocol.MsgPack;

namespace WebRtcBridge.Signaling.Tests.Infrastructure;

/// <summary>Apps that make server behaviour observable: a gate to hold the handler, a session timeout, batches.</summary>
public sealed class GatedApp
{
    public readonly SemaphoreSlim Started = new(0);
    public readonly SemaphoreSlim Release = new(0);
    public readonly List<int> BatchSizes = [];

    public static readonly AppId Id = new("test", "gated");

    public BridgeApp Build(int maxBatch = 1) => new BridgeApp(Id)
        .WithRealtime(RealtimeEndpoint.UnaryBatch("/realtime", async (inputs, ctx, ct) =>
        {
            lock (BatchSizes) BatchSizes.Add(inputs.Count);
            Started.Release();
            await Release.WaitAsync(ct);
            return inputs[^1];
        }, new RealtimeEndpointOptions { MaxBatchSize = maxBatch, Buffering = 4 }));
}

public static class TestApps
{
    public static readonly AppId Timeout = new("test", "timeout");
    public static readonly AppId Failing = new("test", "failing");
    public static readonly AppId Streaming = new("test", "streaming");
    public static readonly AppId Namespaced = new("owner", "flow", "workflows");

    public static void Register(AppRegistry registry)
    {
        registry.Add(new BridgeApp(Timeout).WithRealtime(RealtimeEndpoint.Unary("/realtime",
            (v, _, _) => ValueTask.FromResult(v), new RealtimeEndpointOptions { SessionTimeout = TimeSpan.FromMilliseconds(300) })));
        registry.Add(new BridgeApp(Failing).WithRealtime(RealtimeEndpoint.Unary("/realtime",
            (v, _, _) => v.TryGet("fail", out _) ? throw new InvalidOperationException("boom") : ValueTask.FromResult(v))));
        registry.Add(new BridgeApp(Streaming).WithRealtime(RealtimeEndpoint.Streaming("/realtime", Three)));
        registry.Add(new BridgeApp(Namespaced)
            .WithRealtime(RealtimeEndpoint.Unary("/realtime", (v, _, _) => ValueTask.FromResult(v)))
            .WithWebSocket(new WebSocketEndpoint("/raw", async (socket, _, ct) =>
            {
                for (var i = 0; i < 3; i++)
                    await socket.SendAsync("{\"message\":\"Hello world!\"}"u8.ToArray(), System.Net.WebSockets.WebSocketMessageType.Text, true, ct);
            })));
    }

    private static async IAsyncEnumerable<MsgValue> Three(MsgValue input, RealtimeCallContext ctx,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        for (var i = 0; i < 3; i++)
        {
            await Task.Yield();
            yield return MsgValue.Map(("i", i));
        }
    }
}
