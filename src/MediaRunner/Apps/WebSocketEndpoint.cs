using System.Net.WebSockets;

namespace WebRtcBridge.MediaRunner.Apps;

/// <summary>A raw WebSocket endpoint (fal's <c>@fal.endpoint(path, is_websocket=True)</c>): the handler gets the
/// accepted socket and owns its framing. The host closes the socket with 1000 if the handler leaves it open.</summary>
public sealed class WebSocketEndpoint(string path, Func<WebSocket, RealtimeCallContext, CancellationToken, Task> handler)
{
    public string Path { get; } = EndpointPath.Normalize(path);
    public Func<WebSocket, RealtimeCallContext, CancellationToken, Task> Handler { get; } = handler;
}
