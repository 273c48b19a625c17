using WebRtcBridge.MediaRunner.Apps;

namespace WebRtcBridge.MediaRunner.BuiltIn;

/// <summary><c>bridge/echo</c>: returns its input map unchanged (so <c>request_id</c> comes back too).</summary>
public static class EchoApp
{
    public static readonly AppId Id = new("bridge", "echo");

    public static BridgeApp Create() => new BridgeApp(Id, "returns its input map unchanged")
        .WithHttp((input, _, _) => ValueTask.FromResult(input))
        .WithRealtime(RealtimeEndpoint.Unary("/realtime", (input, _, _) => ValueTask.FromResult(input)));
}
