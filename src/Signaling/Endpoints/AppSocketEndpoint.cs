using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.Options;
using WebRtcBridge.MediaRunner.Apps;
using WebRtcBridge.MediaRunner.Realtime;
using WebRtcBridge.Protocol.Realtime;
using WebRtcBridge.Signaling.Auth;
using WebRtcBridge.Signaling.Hosting;
using WebRtcBridge.Signaling.Routing;

namespace WebRtcBridge.Signaling.Endpoints;

/// <summary>
/// WebSocket upgrades for app endpoints: realtime endpoints get a <see cref="RealtimeSession"/>, raw endpoints get
/// the socket. Auth failures are answered in-band (text frame, close 1008), never with an HTTP 401 at upgrade
/// (realtime-protocol.md §2.4).
/// </summary>
public sealed class AppSocketEndpoint(
    AppRouteResolver routes,
    HandshakeAuthenticator auth,
    MessageCodec codec,
    IOptions<BridgeOptions> options,
    WebRtcSessionLimiter webRtcSessions,
    ILoggerFactory loggers)
{
    private readonly Lazy<WebRtc.PeerConnectionOptions> _pcOptions = new(() => PeerConnectionSettings.From(options.Value.WebRtc));
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
        var (allowed, why) = await auth.AuthorizeAsync(http, route.App.Id);
        if (!allowed)
        {
            _log.LogInformation("unauthorized WebSocket: {Reason}", why);
            await RejectAsync(socket, ControlFrames.Unauthorized, WebSocketCloseStatus.PolicyViolation, "Unauthorized");
            return;
        }
        int? maxBuffering = null;
        if (http.Request.Query.TryGetValue("max_buffering", out var mb))
        {
            if (!int.TryParse(mb, out var n) || n is < 1 or > 60)
            {
                await RejectAsync(socket, ControlFrames.Error(RealtimeErrorCodes.BadRequest, "max_buffering must be an integer from 1 to 60", "max_buffering"),
                    WebSocketCloseStatus.PolicyViolation, "bad max_buffering");
                return;
            }
            maxBuffering = n;
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
            var session = new RealtimeSession(socket, realtime, context, codec, maxBuffering);
            await session.RunAsync(aborted);
        }
        else
        {
            try
            {
                await raw!.Handler(socket, context, aborted);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _log.LogWarning(e, "raw WebSocket handler failed");
                await RejectAsync(socket, ControlFrames.Error(RealtimeErrorCodes.InternalError, e.Message),
                    WebSocketCloseStatus.NormalClosure, "");
            }
        }
        await FinishAsync(socket);
    }

    private async Task RunWebRtcAsync(WebSocket socket, BridgeApp app, RealtimeCallContext context, CancellationToken aborted)
    {
        if (!webRtcSessions.TryEnter())
        {
            _log.LogWarning("WebRTC session refused: {Limit} sessions already", webRtcSessions.Limit);
            await RejectAsync(socket, """{"type":"error","error":"unavailable: the server is at its limit of """ + webRtcSessions.Limit +
                """ WebRTC sessions, try again later"}""", WebSocketCloseStatus.EndpointUnavailable, "too many sessions");
            return;
        }
        try
        {
            await using var session = new MediaRunner.WebRtcSessions.WebRtcSession(socket, app.CreateVideoHandler(context)!, context, codec, _pcOptions.Value);
            await session.RunAsync(aborted);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            _log.LogInformation("WebRTC session ended: {Reason}", e.Message);
        }
        finally
        {
            webRtcSessions.Exit();
        }
    }

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

    /// <summary>Completes the close handshake with 1000 if the session left the socket open, within a bound.</summary>
    private static async Task FinishAsync(WebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
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
