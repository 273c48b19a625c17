using System.Net.WebSockets;
using System.Text;
using WebRtcBridge.MediaRunner.Apps;
using WebRtcBridge.MediaRunner.Realtime;
using WebRtcBridge.MediaRunner.WebRtcSessions;
using WebRtcBridge.Protocol.Realtime;
using WebRtcBridge.Signaling.Auth;
using WebRtcBridge.Signaling.Hosting;
using WebRtcBridge.Signaling.Routing;

namespace WebRtcBridge.Signaling.Endpoints;

/// <summary>
/// WebSocket upgrades for app endpoints: realtime endpoints get a <see cref="RealtimeSession"/>, <c>/webrtc</c> a
/// <see cref="WebRtcSession"/>, raw endpoints get the socket. Auth failures and limits are answered in-band (a text
/// frame, then a close frame with a code of <see cref="SessionCloseCodes"/>), never with an HTTP status at upgrade
/// (docs/protocols.md). Server shutdown closes every live session with 1001.
/// </summary>
public sealed class AppSocketEndpoint(
    AppRouteResolver routes,
    HandshakeAuthenticator auth,
    MessageCodec codec,
    SocketLimiter limits,
    LimitCounters counters,
    IHostApplicationLifetime lifetime,
    Lazy<WebRtcSessionOptions> sessionOptions,
    MediaRunner.Overload.LoadAdmission admission,
    Microsoft.Extensions.Options.IOptions<BridgeOptions> options,
    ILoggerFactory loggers)
{
    private readonly ILogger _log = loggers.CreateLogger("WebRtcBridge.Sessions");

    public async Task HandleAsync(HttpContext http)
    {
        if (!routes.TryResolve(http.Request.Path.Value, out var route))
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var realtime = AppRouteResolver.FindRealtime(route.App, route.EndpointPath);
        route.App.WebSockets.TryGetValue(route.EndpointPath, out var raw);
        var video = route.EndpointPath == BridgeApp.WebRtcPath && route.App.ServesVideo;
        if (realtime is null && raw is null && !video)
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            await http.Response.WriteAsJsonAsync(new { detail = $"app {route.App.Id} has no WebSocket endpoint at {route.EndpointPath}" });
            return;
        }

        var sessionId = Guid.NewGuid().ToString("N")[..12];
        using var scope = _log.BeginScope("session {SessionId} {App}{Endpoint}", sessionId, route.App.Id.ToString(), route.EndpointPath);
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        var authorization = await auth.AuthorizeAsync(http, route.App.Id);
        if (!authorization.Allowed)
        {
            _log.LogInformation("unauthorized WebSocket: {Reason}", authorization.Reason);
            await RejectAsync(socket, ControlFrames.Unauthorized, SessionCloseCodes.PolicyViolation, "Unauthorized");
            return;
        }
        int? maxBuffering = null;
        if (http.Request.Query.TryGetValue("max_buffering", out var mb))
        {
            if (!int.TryParse(mb, out var n) || n is < 1 or > 60)
            {
                await RejectAsync(socket, ControlFrames.Error(RealtimeErrorCodes.BadRequest, "max_buffering must be an integer from 1 to 60", "max_buffering"),
                    SessionCloseCodes.PolicyViolation, "bad max_buffering");
                return;
            }
            maxBuffering = n;
        }
        var client = ClientIdentity.Of(http, authorization.Principal);
        using var clientLease = limits.TryEnterClient(client);
        if (clientLease is null)
        {
            counters.Reject(LimitCounters.SocketsPerClient);
            _log.LogWarning("WebSocket refused: client {Client} has {Limit} sockets already", client, limits.PerClientLimit);
            await RejectLimitAsync(socket, video, $"this client has its limit of {limits.PerClientLimit} open sockets",
                SessionCloseCodes.PolicyViolation, "too many sockets");
            return;
        }

        var context = new RealtimeCallContext
        {
            SessionId = sessionId, AppId = route.App.Id, Path = route.EndpointPath, Logger = _log,
        };
        _log.LogInformation("session started from {Remote}", http.Connection.RemoteIpAddress);
        var aborted = http.RequestAborted;
        if (video)
        {
            await RunWebRtcAsync(socket, route.App, context, aborted);
        }
        else if (realtime is not null)
        {
            using var lease = limits.TryEnterRealtime();
            if (lease is null)
            {
                counters.Reject(LimitCounters.RealtimeSessions);
                _log.LogWarning("realtime session refused: {Limit} sessions already", limits.RealtimeLimit);
                await RejectLimitAsync(socket, false, $"the server is at its limit of {limits.RealtimeLimit} realtime sessions, try again later",
                    SessionCloseCodes.TryAgainLater, "too many sessions");
                return;
            }
            var session = new RealtimeSession(socket, realtime, context, codec, maxBuffering, options.Value.MaxQueuedInputBytes);
            await session.RunAsync(aborted, lifetime.ApplicationStopping);
        }
        else
        {
            using var rawEnds = CancellationTokenSource.CreateLinkedTokenSource(aborted, lifetime.ApplicationStopping);
            try
            {
                await raw!.Handler(socket, context, rawEnds.Token);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _log.LogWarning(e, "raw WebSocket handler failed");
                await RejectAsync(socket, ControlFrames.Error(RealtimeErrorCodes.InternalError, "the handler failed"),
                    SessionCloseCodes.ServerFault, "handler failed");
            }
        }
        await FinishAsync(socket, lifetime.ApplicationStopping.IsCancellationRequested);
    }

    private async Task RunWebRtcAsync(WebSocket socket, BridgeApp app, RealtimeCallContext context, CancellationToken aborted)
    {
        var admitted = admission.TryAdmit();
        if (!admitted.Admitted)
        {
            counters.Reject(LimitCounters.Admission);
            _log.LogWarning("WebRTC session refused: {Error}", admitted.Error);
            await RejectAsync(socket, System.Text.Json.JsonSerializer.Serialize(new { type = "error", error = admitted.Error }),
                SessionCloseCodes.TryAgainLater, "node at capacity");
            return;
        }
        using var lease = limits.TryEnterWebRtc();
        if (lease is null)
        {
            counters.Reject(LimitCounters.WebRtcSessions);
            _log.LogWarning("WebRTC session refused: {Limit} sessions already", limits.Limit);
            await RejectLimitAsync(socket, true, $"the server is at its limit of {limits.Limit} WebRTC sessions, try again later",
                SessionCloseCodes.TryAgainLater, "too many sessions");
            return;
        }
        var control = new VideoSessionControl();
        await using var session = new WebRtcSession(socket, app.CreateVideoHandler(context, control)!, context, codec, sessionOptions.Value, control);
        await session.RunAsync(aborted, lifetime.ApplicationStopping);
    }

    /// <summary>A limit's refusal: <c>{"type":"error","error":"rate_limited: …"}</c> on <c>/webrtc</c>, an
    /// <c>x-fal-error</c> <c>RATE_LIMITED</c> frame elsewhere, then the close.</summary>
    private static Task RejectLimitAsync(WebSocket socket, bool webrtc, string why, WebSocketCloseStatus status, string reason)
    {
        var frame = webrtc
            ? System.Text.Json.JsonSerializer.Serialize(new { type = "error", error = "rate_limited: " + why })
            : ControlFrames.Error(RealtimeErrorCodes.RateLimited, why);
        return RejectAsync(socket, frame, status, reason);
    }

    /// <summary>Sends one text frame, then closes and waits (bounded) for the client's close frame.</summary>
    private static async Task RejectAsync(WebSocket socket, string frame, WebSocketCloseStatus status, string reason)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            if (socket.State == WebSocketState.Open)
                await socket.SendAsync(Encoding.UTF8.GetBytes(frame), WebSocketMessageType.Text, true, timeout.Token);
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await socket.CloseAsync(status, reason, timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
    }

    /// <summary>Completes the close handshake if the session left the socket open (1000, or 1001 when the server is
    /// stopping), within a bound.</summary>
    private static async Task FinishAsync(WebSocket socket, bool stopping)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await socket.CloseAsync(stopping ? SessionCloseCodes.ShuttingDown : SessionCloseCodes.Normal,
                    stopping ? "server shutting down" : "", timeout.Token);
            else if (socket.State == WebSocketState.CloseSent)
            {
                var scratch = new byte[256];
                while (socket.State == WebSocketState.CloseSent)
                    await socket.ReceiveAsync(scratch, timeout.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            socket.Abort();
        }
    }
}
