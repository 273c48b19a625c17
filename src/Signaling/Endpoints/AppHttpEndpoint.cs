using System.Buffers;
using Microsoft.Extensions.Options;
using WebRtcBridge.MediaRunner.Apps;
using WebRtcBridge.MediaRunner.Realtime;
using WebRtcBridge.Protocol.Binding;
using WebRtcBridge.Protocol.MsgPack;
using WebRtcBridge.Signaling.Auth;
using WebRtcBridge.Signaling.Hosting;
using WebRtcBridge.Signaling.Routing;

namespace WebRtcBridge.Signaling.Endpoints;

/// <summary>
/// <c>POST /{owner}/{alias}</c> (and <c>POST /</c> for the default app): a JSON body in, the handler's output as
/// JSON out. A body sent as <c>application/msgpack</c> is answered in msgpack. Errors use FastAPI's shapes:
/// 422 with <c>detail[].loc</c> naming the field, 400 for undecodable bodies, 500 for handler failures (no exception text).
/// </summary>
public sealed class AppHttpEndpoint(
    AppRouteResolver routes,
    HandshakeAuthenticator auth,
    MessageCodec codec,
    IOptions<BridgeOptions> options,
    ILoggerFactory loggers)
{
    private readonly ILogger _log = loggers.CreateLogger("WebRtcBridge.Http");

    public async Task HandleAsync(HttpContext http)
    {
        if (!routes.TryResolve(http.Request.Path.Value, out var route) || route.EndpointPath != "/" || route.App.Http is null)
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        if (!(await auth.AuthorizeAsync(http, route.App.Id)).Allowed)
        {
            await Problem(http, StatusCodes.Status401Unauthorized, "Unauthorized");
            return;
        }
        var isMsgPack = http.Request.ContentType?.Contains("msgpack", StringComparison.OrdinalIgnoreCase) == true;
        var limit = options.Value.MaxMessageBytes;
        if (http.Request.ContentLength > limit)
        {
            await Problem(http, StatusCodes.Status413PayloadTooLarge, $"body exceeds the limit of {limit} bytes");
            return;
        }
        var body = new ArrayBufferWriter<byte>(4096);
        var read = await CopyBodyAsync(http, body, limit);
        if (!read)
        {
            await Problem(http, StatusCodes.Status413PayloadTooLarge, $"body exceeds the limit of {limit} bytes");
            return;
        }
        MsgValue input;
        try
        {
            input = codec.Decode(body.WrittenMemory, isText: !isMsgPack);
        }
        catch (MsgPackException e)
        {
            await Problem(http, StatusCodes.Status400BadRequest, $"invalid {(isMsgPack ? "msgpack" : "JSON")} body: {e.Message}");
            return;
        }
        if (input.Kind != MsgValueKind.Map)
        {
            await Problem(http, StatusCodes.Status422UnprocessableEntity, "input must be a map", "body");
            return;
        }
        var context = new RealtimeCallContext
        {
            SessionId = Guid.NewGuid().ToString("N")[..12], AppId = route.App.Id, Path = "/", Logger = _log,
        };
        MsgValue output;
        try
        {
            output = RequestIds.Echo(input, await route.App.Http(input, context, http.RequestAborted));
        }
        catch (InputValidationException e)
        {
            await Problem(http, StatusCodes.Status422UnprocessableEntity, e.Problem, e.Field);
            return;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The exception is logged, never sent: its text may carry paths, data or internals.
            _log.LogWarning(e, "HTTP handler of {App} failed", route.App.Id);
            await Problem(http, StatusCodes.Status500InternalServerError, "internal error: the handler failed");
            return;
        }
        var result = new ArrayBufferWriter<byte>(4096);
        if (isMsgPack)
        {
            codec.EncodeMsgPack(output, result);
            http.Response.ContentType = "application/msgpack";
        }
        else
        {
            codec.EncodeJson(output, result);
            http.Response.ContentType = "application/json";
        }
        await http.Response.Body.WriteAsync(result.WrittenMemory, http.RequestAborted);
    }

    private static async Task<bool> CopyBodyAsync(HttpContext http, ArrayBufferWriter<byte> body, int limit)
    {
        while (true)
        {
            var memory = body.GetMemory(16 * 1024);
            var n = await http.Request.Body.ReadAsync(memory, http.RequestAborted);
            if (n == 0) return true;
            body.Advance(n);
            if (body.WrittenCount > limit) return false;
        }
    }

    private static Task Problem(HttpContext http, int status, string message, string? field = null)
    {
        http.Response.StatusCode = status;
        if (field is null) return http.Response.WriteAsJsonAsync(new { detail = message });
        return http.Response.WriteAsJsonAsync(new
        {
            detail = new[] { new { loc = new[] { "body", field }, msg = message, type = "value_error" } },
        });
    }
}
