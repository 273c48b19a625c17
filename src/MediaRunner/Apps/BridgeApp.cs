using WebRtcBridge.Protocol.MsgPack;

namespace WebRtcBridge.MediaRunner.Apps;

/// <summary>
/// An app: an id and its endpoints. The HTTP endpoint answers <c>POST /{owner}/{alias}</c> (JSON in, JSON out);
/// realtime and raw WebSocket endpoints answer at <c>/{owner}/{alias}{path}</c>.
/// </summary>
public sealed class BridgeApp
{
    private readonly Dictionary<string, RealtimeEndpoint> _realtime = new(StringComparer.Ordinal);
    private readonly Dictionary<string, WebSocketEndpoint> _sockets = new(StringComparer.Ordinal);

    public BridgeApp(AppId id, string description = "")
    {
        Id = id;
        Description = description;
    }

    public AppId Id { get; }
    public string Description { get; }

    /// <summary>The handler behind <c>POST /</c>, if any.</summary>
    public Func<MsgValue, RealtimeCallContext, CancellationToken, ValueTask<MsgValue>>? Http { get; private set; }

    /// <summary>Makes the per-session frame handler behind <c>/webrtc</c>, if the app serves live video; the handler
    /// may keep the control to end its session.</summary>
    public Func<WebRtcSessions.VideoSessionControl, Pipeline.IVideoFrameHandler>? VideoHandlerFactory { get; private set; }

    /// <summary>The path of the WebRTC endpoint.</summary>
    public const string WebRtcPath = "/webrtc";

    public IReadOnlyDictionary<string, RealtimeEndpoint> Realtime => _realtime;
    public IReadOnlyDictionary<string, WebSocketEndpoint> WebSockets => _sockets;

    public BridgeApp WithHttp(Func<MsgValue, RealtimeCallContext, CancellationToken, ValueTask<MsgValue>> handler)
    {
        Http = handler;
        return this;
    }

    /// <summary>Serves live video at <c>/webrtc</c>: every decoded frame goes through a handler made per session.</summary>
    public BridgeApp WithVideo(Func<Pipeline.IVideoFrameHandler> handlerFactory)
        => WithVideo(_ => handlerFactory());

    /// <summary>As <see cref="WithVideo(Func{Pipeline.IVideoFrameHandler})"/>; the handler gets a control that ends
    /// its session (close 1000, or an error and 1011).</summary>
    public BridgeApp WithVideo(Func<WebRtcSessions.VideoSessionControl, Pipeline.IVideoFrameHandler> handlerFactory)
    {
        EnsureFree(WebRtcPath);
        VideoHandlerFactory = handlerFactory;
        return this;
    }

    public BridgeApp WithRealtime(RealtimeEndpoint endpoint)
    {
        EnsureFree(endpoint.Path);
        _realtime.Add(endpoint.Path, endpoint);
        return this;
    }

    public BridgeApp WithWebSocket(WebSocketEndpoint endpoint)
    {
        EnsureFree(endpoint.Path);
        _sockets.Add(endpoint.Path, endpoint);
        return this;
    }

    private void EnsureFree(string path)
    {
        if (_realtime.ContainsKey(path) || _sockets.ContainsKey(path) || (path == WebRtcPath && VideoHandlerFactory is not null))
            throw new ArgumentException($"app {Id} already has an endpoint at {path}");
    }
}
