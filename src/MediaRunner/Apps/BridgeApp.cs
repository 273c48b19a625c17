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

    /// <summary>Makes the per-session frame handler behind <c>/webrtc</c>, if the app has its own; the handler gets the
    /// session's context and a control that ends its session.</summary>
    public Func<RealtimeCallContext, WebRtcSessions.VideoSessionControl, Pipeline.IVideoFrameHandler>? VideoHandlerFactory { get; private set; }

    /// <summary>How live video drives the app's realtime endpoint when it has no frame handler of its own.</summary>
    public FrameAdapters.FrameAdapterOptions FrameOptions { get; private set; } = new();

    /// <summary>True when <c>/webrtc</c> is served: a frame handler of its own, or the realtime endpoint named by
    /// <see cref="FrameOptions"/> (every frame becomes one realtime step).</summary>
    public bool ServesVideo => VideoHandlerFactory is not null || _realtime.ContainsKey(FrameOptions.Endpoint);

    /// <summary>The frame handler for one <c>/webrtc</c> session, or null when the app serves no video.</summary>
    public Pipeline.IVideoFrameHandler? CreateVideoHandler(RealtimeCallContext context, WebRtcSessions.VideoSessionControl control)
    {
        if (VideoHandlerFactory is { } factory) return factory(context, control);
        if (!_realtime.TryGetValue(FrameOptions.Endpoint, out var endpoint)) return null;
        return new FrameAdapters.RealtimeFrameHandler(new FrameAdapters.LocalStepRunner(endpoint, context), FrameOptions, context.Logger);
    }

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
    public BridgeApp WithVideo(Func<Pipeline.IVideoFrameHandler> handlerFactory) => WithVideo((_, _) => handlerFactory());

    /// <summary>Serves live video with a handler made per session from the session's context.</summary>
    public BridgeApp WithVideo(Func<RealtimeCallContext, Pipeline.IVideoFrameHandler> handlerFactory)
        => WithVideo((context, _) => handlerFactory(context));

    /// <summary>Serves live video with a handler made per session; the handler gets the session's context and a control
    /// that ends its session (close 1000, or an error and 1011).</summary>
    public BridgeApp WithVideo(Func<RealtimeCallContext, WebRtcSessions.VideoSessionControl, Pipeline.IVideoFrameHandler> handlerFactory)
    {
        EnsureFree(WebRtcPath);
        VideoHandlerFactory = handlerFactory;
        return this;
    }

    /// <summary>Sets how live video drives the realtime endpoint (input encoding, JPEG quality, steps in flight).</summary>
    public BridgeApp WithFrameOptions(FrameAdapters.FrameAdapterOptions options)
    {
        FrameOptions = options.Validate();
        return this;
    }

    /// <summary>
    /// One typed handler on every transport: HTTP <c>POST</c>, the realtime endpoint at <paramref name="path"/> and,
    /// through it, <c>/webrtc</c> (each frame becomes <typeparamref name="TIn"/> with its <c>image</c>). Input maps are
    /// bound to <typeparamref name="TIn"/> (errors name the field); <typeparamref name="TOut"/> becomes the output map.
    /// </summary>
    public BridgeApp WithHandler<TIn, TOut>(Func<TIn, RealtimeCallContext, CancellationToken, ValueTask<TOut>> handler,
        string path = "/realtime", RealtimeEndpointOptions? options = null)
    {
        var input = Protocol.Binding.RecordBinder.For<TIn>();
        var output = Protocol.Binding.RecordBinder.For<TOut>();
        WithHttp(async (value, ctx, ct) => output.ToValue(await handler(input.FromValue(value), ctx, ct).ConfigureAwait(false)));
        return WithRealtime(RealtimeEndpoint.Unary(path, handler, options));
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
