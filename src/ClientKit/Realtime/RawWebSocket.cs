using System.Net.WebSockets;

namespace WebRtcBridge.ClientKit.Realtime;

/// <summary>
/// fal_client's <c>ws_connect</c>: an authenticated raw WebSocket to an app endpoint, no codec
/// (docs/protocols.md#raw-websocket-endpoints). The path defaults to the app root.
/// </summary>
public static class RawWebSocket
{
    public static async Task<ClientWebSocket> WsConnectAsync(string appId, string? path = null,
        RealtimeClientOptions? options = null, CancellationToken ct = default)
    {
        options ??= new RealtimeClientOptions();
        var id = RealtimeUrl.NormalizeAppId(appId);
        var resolved = path is null ? "" : "/" + path.TrimStart('/');
        var socket = new ClientWebSocket();
        try
        {
            string? token = null;
            if (options.TokenProvider is { } provider) token = await provider(id + resolved, ct).ConfigureAwait(false);
            else if (options.Key is not null) socket.Options.SetRequestHeader("Authorization", "Key " + options.Key);
            var url = RealtimeUrl.Build(options.BaseUrl, id, resolved, token, options.MaxBuffering);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(options.ConnectTimeout);
            await socket.ConnectAsync(url, timeout.Token).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
