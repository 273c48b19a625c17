using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace WebRtcBridge.Signaling.Tests.Infrastructure;

/// <summary>A raw ClientWebSocket with helpers to read one whole frame with a timeout.</summary>
public sealed class WsTestClient : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private WsTestClient(ClientWebSocket socket) => Socket = socket;

    public ClientWebSocket Socket { get; }

    public static async Task<WsTestClient> ConnectAsync(Uri url, string? authorization = null)
    {
        var socket = new ClientWebSocket();
        if (authorization is not null) socket.Options.SetRequestHeader("Authorization", authorization);
        using var cts = new CancellationTokenSource(Timeout);
        await socket.ConnectAsync(url, cts.Token);
        return new WsTestClient(socket);
    }

    public Task SendTextAsync(string text) => Socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, default);
    public Task SendBinaryAsync(byte[] data) => Socket.SendAsync(data, WebSocketMessageType.Binary, true, default);

    /// <summary>The next frame, or a Close with its status.</summary>
    public async Task<Frame> ReceiveAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        while (true)
        {
            var r = await Socket.ReceiveAsync(chunk, cts.Token);
            if (r.MessageType == WebSocketMessageType.Close)
                return new Frame(r.MessageType, [], Socket.CloseStatus, Socket.CloseStatusDescription);
            buffer.Write(chunk, 0, r.Count);
            if (r.EndOfMessage) return new Frame(r.MessageType, buffer.ToArray(), null, null);
        }
    }

    /// <summary>Reads frames until the server's Close arrives; returns its status.</summary>
    public async Task<WebSocketCloseStatus?> ReceiveCloseAsync()
    {
        while (true)
        {
            var f = await ReceiveAsync();
            if (f.Type == WebSocketMessageType.Close) return f.CloseStatus;
        }
    }

    /// <summary>Reads every frame until the server's close frame, answers it, and returns the frames before it with the
    /// close status and reason. A socket aborted without a close frame (1006) throws.</summary>
    public async Task<(List<Frame> Frames, WebSocketCloseStatus? Status, string? Reason)> ReadUntilCloseAsync()
    {
        var frames = new List<Frame>();
        while (true)
        {
            var f = await ReceiveAsync();
            if (f.Type != WebSocketMessageType.Close)
            {
                frames.Add(f);
                continue;
            }
            if (Socket.State == WebSocketState.CloseReceived)
            {
                using var cts = new CancellationTokenSource(Timeout);
                await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", cts.Token);
            }
            return (frames, f.CloseStatus, f.CloseDescription);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Socket.State == WebSocketState.Open)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try { await Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", cts.Token); }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
        }
        Socket.Dispose();
    }

    public sealed record Frame(WebSocketMessageType Type, byte[] Data, WebSocketCloseStatus? CloseStatus, string? CloseDescription)
    {
        public string Text => Encoding.UTF8.GetString(Data);
        public JsonElement Json => JsonDocument.Parse(Data).RootElement;
    }
}
