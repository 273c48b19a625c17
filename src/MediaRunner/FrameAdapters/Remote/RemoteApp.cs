using WebRtcBridge.MediaRunner.Apps;
using WebRtcBridge.Protocol.MsgPack;

namespace WebRtcBridge.MediaRunner.FrameAdapters.Remote;

/// <summary>
/// A remote realtime app served here under its own id on every transport: <c>/webrtc</c> (each frame one step
/// upstream, <see cref="RemoteAppOptions.InFlight"/> at once), <c>/realtime</c> (a relay, <see cref="RealtimeProxy"/>)
/// and HTTP <c>POST</c> (<see cref="RemoteHttpProxy"/>). One token source per app; one upstream socket per client session.
/// </summary>
public static class RemoteApp
{
    /// <summary>One HTTP client for every remote app's token and POST requests (connection reuse; per-call timeouts).</summary>
    private static readonly HttpClient Http = new() { Timeout = Timeout.InfiniteTimeSpan };

    public static BridgeApp Create(RemoteAppOptions options, MsgPackLimits limits)
    {
        options.Validate();
        var tokens = new RemoteTokenSource(options, Http);
        var post = new RemoteHttpProxy(options, Http, limits);
        var frameOptions = new FrameAdapterOptions
        {
            InFlight = options.InFlight,
            JpegQuality = options.JpegQuality,
            InputEncoding = options.FrameFormat.Equals("rgba", StringComparison.OrdinalIgnoreCase) ? FrameInputEncoding.Rgba : FrameInputEncoding.Jpeg,
        }.Validate();
        return new BridgeApp(AppId.Parse(options.Id), "remote realtime app at " + options.Url)
            .WithHttp(post.PostAsync)
            .WithWebSocket(RealtimeProxy.Endpoint(options, tokens, limits.MaxMessageSize))
            .WithFrameOptions(frameOptions)
            .WithVideo(context => new RealtimeFrameHandler(new RemoteStepRunner(options, tokens, limits, context.Logger), frameOptions, context.Logger));
    }
}
