using System.Net.WebSockets;
using System.Text;
using WebRtcBridge.MediaRunner.Apps;
using WebRtcBridge.Protocol.Realtime;
using WebRtcBridge.Protocol.Transport;

namespace WebRtcBridge.MediaRunner.FrameAdapters.Remote;

/// <summary>
/// The remote app on this server's own <c>/realtime</c>: each client socket gets its own upstream socket and frames
/// are relayed verbatim both ways (msgpack or JSON, results and upstream <c>x-fal-error</c> frames alike), each
/// bounded by the message limit. While the upstream is down, client inputs are answered with an
/// <c>x-fal-error</c> <c>UNAVAILABLE</c> frame and the upstream reconnects with backoff.
/// </summary>
public static class RealtimeProxy
{
    public static WebSocketEndpoint Endpoint(RemoteAppOptions options, RemoteTokenSource tokens, int maxMessageBytes)
        => new("/realtime", (client, context, ct) => RunAsync(client, context, options, tokens, maxMessageBytes, ct));

    private static async Task RunAsync(WebSocket client, RealtimeCallContext context, RemoteAppOptions options,
        RemoteTokenSource tokens, int maxMessageBytes, CancellationToken ct)
    {
        var clientSend = new SemaphoreSlim(1, 1);
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = new UpstreamConnection(options, tokens, maxMessageBytes, context.Logger,
            (message, length) =>
            {
                var frame = message is null
                    ? Encoding.UTF8.GetBytes(ControlFrames.Error(RealtimeErrorCodes.BadRequest, $"upstream answer of {length} bytes exceeds the limit"))
                    : message.Memory.ToArray();
                // Relayed in order, one at a time: a slow client slows the upstream reader (TCP back-pressure), nothing queues.
                SendAsync(client, clientSend, frame, message?.IsText ?? true, ct).GetAwaiter().GetResult();
            },
            _ => { });
        upstream.Start();
        var reader = new WebSocketMessageReader(client, maxMessageBytes);
        var unavailable = Encoding.UTF8.GetBytes(ControlFrames.Error(RealtimeErrorCodes.Unavailable, "upstream app unavailable, reconnecting"));
        var deadline = DateTime.UtcNow.AddSeconds(options.ConnectTimeoutSeconds);
        while (!ct.IsCancellationRequested)
        {
            var (outcome, message) = await reader.ReadAsync(ct).ConfigureAwait(false);
            if (outcome == ReadOutcome.Closed) return;
            if (outcome == ReadOutcome.TooLarge)
            {
                await SendAsync(client, clientSend, Encoding.UTF8.GetBytes(ControlFrames.Error(RealtimeErrorCodes.BadRequest,
                    $"message exceeds {maxMessageBytes} bytes")), true, ct).ConfigureAwait(false);
                continue;
            }
            using (message)
            {
                // The first inputs may arrive before the first upstream connect finishes: wait for it, within a bound.
                while (!upstream.IsConnected && DateTime.UtcNow < deadline) await Task.Delay(20, ct).ConfigureAwait(false);
                if (!await upstream.SendAsync(message!.Memory, message.IsText, ct).ConfigureAwait(false))
                    await SendAsync(client, clientSend, unavailable, true, ct).ConfigureAwait(false);
            }
        }
    }

    private static async Task SendAsync(WebSocket socket, SemaphoreSlim gate, ReadOnlyMemory<byte> frame, bool isText, CancellationToken ct)
    {
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (socket.State == WebSocketState.Open)
                await socket.SendAsync(frame, isText ? WebSocketMessageType.Text : WebSocketMessageType.Binary, true, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException) { }
        finally
        {
            gate.Release();
        }
    }
}
