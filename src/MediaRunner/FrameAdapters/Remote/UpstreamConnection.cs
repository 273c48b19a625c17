using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using WebRtcBridge.Protocol.Transport;

namespace WebRtcBridge.MediaRunner.FrameAdapters.Remote;

/// <summary>
/// One WebSocket to a remote realtime endpoint, kept up: connects with a fresh-enough token
/// (<c>?fal_jwt_token=</c>), hands every frame to <c>onFrame</c>, and when the upstream drops (or <see cref="Drop"/>
/// is called) reports it and reconnects with backoff (250 ms doubling up to <see cref="RemoteAppOptions.MaxBackoffSeconds"/>).
/// Frames over the message limit are reported as oversized, never buffered; each connect is bounded by
/// <see cref="RemoteAppOptions.ConnectTimeoutSeconds"/>.
/// </summary>
public sealed class UpstreamConnection : IAsyncDisposable
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(250);

    private readonly RemoteAppOptions _options;
    private readonly RemoteTokenSource _tokens;
    private readonly int _maxMessageBytes;
    private readonly ILogger _logger;
    private readonly Action<PooledMessage?, long> _onFrame;
    private readonly Action<string> _onDropped;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly string _alias;
    private volatile ClientWebSocket? _socket;
    private Task _loop = Task.CompletedTask;
    private long _connects, _drops;
    private volatile string? _lastError;

    /// <param name="options">The remote app's settings.</param>
    /// <param name="tokens">Where tokens come from.</param>
    /// <param name="maxMessageBytes">Largest upstream message.</param>
    /// <param name="logger">The app's logger.</param>
    /// <param name="onFrame">Each frame (null with its length when it exceeded the limit); the message is disposed after the call.</param>
    /// <param name="onDropped">The connection ended (with why); pending steps will not be answered.</param>
    public UpstreamConnection(RemoteAppOptions options, RemoteTokenSource tokens, int maxMessageBytes, ILogger logger,
        Action<PooledMessage?, long> onFrame, Action<string> onDropped)
    {
        _options = options;
        _tokens = tokens;
        _maxMessageBytes = maxMessageBytes;
        _logger = logger;
        _onFrame = onFrame;
        _onDropped = onDropped;
        _alias = AliasOf(new Uri(options.Url));
    }

    public bool IsConnected => _socket is { State: WebSocketState.Open };
    public long Connects => Interlocked.Read(ref _connects);
    public long Drops => Interlocked.Read(ref _drops);
    public string? LastError => _lastError;

    /// <summary>Starts connecting (and keeps reconnecting) in the background.</summary>
    public void Start() => _loop = Task.Run(LoopAsync);

    /// <summary>The alias fal puts in <c>allowed_apps</c>: the second path segment, the third under a namespace.</summary>
    public static string AliasOf(Uri url)
    {
        var parts = url.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var first = parts.Length > 0 && Apps.AppId.Namespaces.Contains(parts[0]) ? 1 : 0;
        return parts.Length > first + 1 ? parts[first + 1] : parts.LastOrDefault() ?? "";
    }

    /// <summary>Sends one frame; false (nothing sent) when not connected or the send failed.</summary>
    public async Task<bool> SendAsync(ReadOnlyMemory<byte> frame, bool isText, CancellationToken ct)
    {
        var socket = _socket;
        if (socket is null) return false;
        await _sendLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (socket.State != WebSocketState.Open) return false;
            await socket.SendAsync(frame, isText ? WebSocketMessageType.Text : WebSocketMessageType.Binary, true, ct).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException)
        {
            _lastError = e.Message;
            return false;
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Abandons the current socket (e.g. after a lost answer or Unauthorized); the loop reconnects.</summary>
    public void Drop(string why)
    {
        _lastError = why;
        _socket?.Abort();
    }

    private async Task LoopAsync()
    {
        var ct = _stop.Token;
        var backoff = FirstBackoff;
        while (!ct.IsCancellationRequested)
        {
            var socket = new ClientWebSocket();
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(_options.ConnectTimeoutSeconds));
                var token = await _tokens.GetAsync(_alias, timeout.Token).ConfigureAwait(false);
                var url = token is null ? new Uri(_options.Url) : WithQuery(new Uri(_options.Url), "fal_jwt_token=" + Uri.EscapeDataString(token));
                await socket.ConnectAsync(url, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                socket.Dispose();
                _lastError = "connect failed: " + e.Message;
                _logger.LogInformation("upstream {Url}: {Error}; retrying in {Backoff} ms", _options.Url, _lastError, backoff.TotalMilliseconds);
                await Delay(backoff, ct).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(_options.MaxBackoffSeconds).Ticks));
                continue;
            }
            catch (OperationCanceledException)
            {
                socket.Dispose();
                return;
            }
            Interlocked.Increment(ref _connects);
            _socket = socket;
            backoff = FirstBackoff;
            var why = await ReceiveAsync(socket, ct).ConfigureAwait(false);
            _socket = null;
            socket.Dispose();
            if (ct.IsCancellationRequested) return;
            Interlocked.Increment(ref _drops);
            _lastError = why;
            _logger.LogInformation("upstream {Url} dropped: {Why}; reconnecting", _options.Url, why);
            _onDropped(why);
            await Delay(backoff, ct).ConfigureAwait(false);
        }
    }

    private async Task<string> ReceiveAsync(ClientWebSocket socket, CancellationToken ct)
    {
        var reader = new WebSocketMessageReader(socket, _maxMessageBytes);
        try
        {
            while (true)
            {
                var (outcome, message) = await reader.ReadAsync(ct).ConfigureAwait(false);
                if (outcome == ReadOutcome.Closed)
                    return $"closed by upstream ({(int?)socket.CloseStatus} {socket.CloseStatusDescription})";
                if (outcome == ReadOutcome.TooLarge)
                {
                    _onFrame(null, reader.LastOversizedLength);
                    continue;
                }
                using (message) _onFrame(message, message!.Length);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            return ct.IsCancellationRequested ? "stopped" : "connection lost: " + (_lastError ?? e.Message);
        }
    }

    private static Uri WithQuery(Uri url, string query)
        => new UriBuilder(url) { Query = string.IsNullOrEmpty(url.Query) ? query : url.Query.TrimStart('?') + "&" + query }.Uri;

    private static async Task Delay(TimeSpan delay, CancellationToken ct)
    {
        try { await Task.Delay(delay, ct).ConfigureAwait(false); }
        catch (OperationCanceledException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        var socket = _socket;
        if (socket is { State: WebSocketState.Open })
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try { await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token).ConfigureAwait(false); }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException) { }
        }
        socket?.Abort();
        try { await _loop.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false); }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException) { }
    }
}
