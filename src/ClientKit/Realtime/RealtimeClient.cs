using System.Buffers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using WebRtcBridge.Protocol.Buffers;
using WebRtcBridge.Protocol.MsgPack;
using WebRtcBridge.Protocol.Realtime;
using WebRtcBridge.Protocol.Transport;

namespace WebRtcBridge.ClientKit.Realtime;

/// <summary>Where a <see cref="RealtimeClient"/> is in fal-js's state machine (docs/protocols.md#net-realtime-client).</summary>
public enum RealtimeClientState { Idle, Connecting, Active, Closed }

/// <summary>
/// A realtime client that behaves like fal-js (docs/protocols.md#net-realtime-client): it dials lazily on the first send,
/// keeps one pending message while connecting (the latest wins), throttles sends (leading + latest trailing),
/// classifies frames in the documented order, reconnects with a fresh token on the next send after a close, and
/// closes with 1000. Unlike fal-js it never drops silently: every replaced or undeliverable send is counted in
/// <see cref="DroppedSends"/>, every result the reader did not keep up with in <see cref="DroppedResults"/>.
/// </summary>
public sealed class RealtimeClient : IAsyncDisposable, IDisposable
{
    private readonly string _appId;
    private readonly string _path;
    private readonly RealtimeClientOptions _options;
    private readonly SendThrottle<Outgoing> _throttle;
    private readonly DropOldestBuffer<MsgValue> _results;
    private readonly MsgPackLimits _limits;
    private readonly object _gate = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly HttpClient? _http;
    private RealtimeClientState _state = RealtimeClientState.Idle;
    private ClientWebSocket? _socket;
    private Outgoing? _pending;
    private string? _token;
    private readonly CancellationTokenSource _lifetime = new();
    private long _droppedSends;
    private long _sent;

    public RealtimeClient(string appId, RealtimeClientOptions? options = null)
    {
        _options = options ?? new RealtimeClientOptions();
        _appId = RealtimeUrl.NormalizeAppId(appId);
        _path = RealtimeUrl.ResolvePath(_appId, _options.Path);
        if (_options.MaxBuffering is { } mb && (mb < 1 || mb > 60))
            throw new ArgumentOutOfRangeException(nameof(options), mb, "The `maxBuffering` must be between 1 and 60 (inclusive)");
        _limits = new MsgPackLimits { MaxMessageSize = _options.MaxMessageBytes };
        _throttle = new SendThrottle<Outgoing>(_options.ThrottleInterval, DeliverAsync);
        _results = new DropOldestBuffer<MsgValue>(_options.ResultCapacity);
        if (_options.TokenProvider is null && _options.Key is not null && _options.UseJwt) _http = new HttpClient();
    }

    /// <summary>Raised for <c>x-fal-error</c> frames, abnormal closes and socket failures.</summary>
    public event Action<RealtimeError>? Error;

    public RealtimeClientState State { get { lock (_gate) return _state; } }

    /// <summary>Sends replaced by a later one (throttle or connecting) or lost to a failed connection.</summary>
    public long DroppedSends => Interlocked.Read(ref _droppedSends) + _throttle.Dropped;

    /// <summary>Results dropped because the reader fell more than <see cref="RealtimeClientOptions.ResultCapacity"/> behind.</summary>
    public long DroppedResults => _results.DroppedCount;

    /// <summary>Messages written to a socket.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Encodes <paramref name="input"/> now (so encoding errors surface here) and sends it through the throttle.</summary>
    public Task SendAsync(MsgValue input)
    {
        ObjectDisposedException.ThrowIf(State == RealtimeClientState.Closed, this);
        return _throttle.Submit(Encode(input));
    }

    /// <summary>Blocking wrapper of <see cref="SendAsync"/> for callers without async (e.g. a game loop).</summary>
    public void Send(MsgValue input) => SendAsync(input).GetAwaiter().GetResult();

    /// <summary>The results, in arrival order, until the client is closed or <paramref name="ct"/> is cancelled.</summary>
    public async IAsyncEnumerable<MsgValue> ReadResultsAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        while (await _results.WaitToReadAsync(ct).ConfigureAwait(false))
            while (_results.TryRead(out var result)) yield return result;
    }

    /// <summary>Blocking read of the next result; false on timeout or when closed.</summary>
    public bool TryReceive(TimeSpan timeout, out MsgValue result)
    {
        if (_results.TryRead(out result)) return true;
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (_results.WaitToReadAsync(cts.Token).AsTask().GetAwaiter().GetResult())
                if (_results.TryRead(out result)) return true;
        }
        catch (OperationCanceledException) { }
        result = default!;
        return false;
    }

    /// <summary>Closes the socket with 1000; the client may send again afterwards (it reconnects).</summary>
    public async Task CloseAsync()
    {
        _throttle.Cancel();
        ClientWebSocket? socket;
        lock (_gate)
        {
            socket = _socket;
            _socket = null;
            _token = null;
            if (_pending is not null) Interlocked.Increment(ref _droppedSends);
            _pending = null;
            if (_state != RealtimeClientState.Closed) _state = RealtimeClientState.Idle;
        }
        if (socket is not null) await CloseSocketAsync(socket).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync().ConfigureAwait(false);
        lock (_gate) _state = RealtimeClientState.Closed;
        await _lifetime.CancelAsync().ConfigureAwait(false);
        _results.Complete();
        _http?.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private Outgoing Encode(MsgValue input)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        if (_options.Format == WireFormat.Json)
        {
            using var writer = new Utf8JsonWriter(buffer);
            JsonMapping.WriteJson(input, writer);
        }
        else
        {
            MsgPackSerializer.Encode(input, buffer);
        }
        return new Outgoing(buffer.WrittenMemory, _options.Format == WireFormat.Json);
    }

    private async Task DeliverAsync(Outgoing message)
    {
        ClientWebSocket? socket;
        lock (_gate)
        {
            switch (_state)
            {
                case RealtimeClientState.Closed:
                    Interlocked.Increment(ref _droppedSends);
                    return;
                case RealtimeClientState.Idle:
                    _pending = message;
                    _state = RealtimeClientState.Connecting;
                    _ = ConnectAsync(_lifetime.Token);
                    return;
                case RealtimeClientState.Connecting:
                    if (_pending is not null) Interlocked.Increment(ref _droppedSends);
                    _pending = message;
                    return;
            }
            socket = _socket;
        }
        if (socket is null || !await WriteAsync(socket, message).ConfigureAwait(false))
            Interlocked.Increment(ref _droppedSends);
    }

    private async Task<bool> WriteAsync(ClientWebSocket socket, Outgoing message)
    {
        await _sendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (socket.State != WebSocketState.Open) return false;
            await socket.SendAsync(message.Bytes, message.IsText ? WebSocketMessageType.Text : WebSocketMessageType.Binary,
                true, _lifetime.Token).ConfigureAwait(false);
            Interlocked.Increment(ref _sent);
            return true;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            return false;
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ConnectAsync(CancellationToken ct)
    {
        var socket = new ClientWebSocket();
        try
        {
            string? token = null;
            if (_options.UseJwt && (_options.TokenProvider is not null || _options.Key is not null))
                token = _token ??= await FetchTokenAsync(ct).ConfigureAwait(false);
            if (!_options.UseJwt && _options.Key is not null)
                socket.Options.SetRequestHeader("Authorization", "Key " + _options.Key);
            var url = RealtimeUrl.Build(_options.BaseUrl, _appId, _path, token, _options.MaxBuffering);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_options.ConnectTimeout);
            await socket.ConnectAsync(url, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            socket.Dispose();
            lock (_gate)
            {
                if (_pending is not null) Interlocked.Increment(ref _droppedSends);
                _pending = null;
                if (_state == RealtimeClientState.Connecting) _state = RealtimeClientState.Idle;
                _token = null;
            }
            Error?.Invoke(new RealtimeError(500, "Unknown error: " + e.Message));
            return;
        }
        Outgoing? first;
        lock (_gate)
        {
            if (_state != RealtimeClientState.Connecting)
            {
                socket.Dispose();
                return;
            }
            _socket = socket;
            _state = RealtimeClientState.Active;
            first = _pending;
            _pending = null;
        }
        _ = ReceiveLoopAsync(socket, ct);
        if (first is { } message && !await WriteAsync(socket, message).ConfigureAwait(false))
            Interlocked.Increment(ref _droppedSends);
    }

    private async ValueTask<string> FetchTokenAsync(CancellationToken ct)
    {
        if (_options.TokenProvider is { } provider) return await provider(_appId + _path, ct).ConfigureAwait(false);
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_options.RestUrl, "tokens/"))
        {
            Content = JsonContent.Create(new Dictionary<string, object>
            {
                ["allowed_apps"] = new[] { RealtimeUrl.AliasOf(_appId) },
                ["token_expiration"] = (int)_options.TokenExpiration.TotalSeconds,
            }),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Key " + _options.Key);
        using var response = await _http!.SendAsync(request, ct).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
        return doc.RootElement.ValueKind switch
        {
            JsonValueKind.String => doc.RootElement.GetString()!,
            JsonValueKind.Object when doc.RootElement.TryGetProperty("token", out var t) => t.GetString()!,
            JsonValueKind.Object when doc.RootElement.TryGetProperty("detail", out var d) => d.GetString()!,
            _ => throw new InvalidOperationException("unexpected token response"),
        };
    }

    private async Task ReceiveLoopAsync(ClientWebSocket socket, CancellationToken ct)
    {
        var reader = new WebSocketMessageReader(socket, _options.MaxMessageBytes);
        try
        {
            while (true)
            {
                var (outcome, message) = await reader.ReadAsync(ct).ConfigureAwait(false);
                if (outcome == ReadOutcome.Closed) break;
                if (outcome == ReadOutcome.TooLarge)
                {
                    Error?.Invoke(new RealtimeError(400, $"frame of {reader.LastOversizedLength} bytes exceeds the limit"));
                    continue;
                }
                using (message)
                {
                    Dispatch(message!);
                }
            }
            var status = socket.CloseStatus;
            if (socket.State == WebSocketState.CloseReceived)
                await CloseSocketAsync(socket).ConfigureAwait(false);
            if (status is { } code && code != WebSocketCloseStatus.NormalClosure)
                Error?.Invoke(new RealtimeError((int)code, "Error closing the connection: " + socket.CloseStatusDescription));
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            if (!ct.IsCancellationRequested && State == RealtimeClientState.Active)
                Error?.Invoke(new RealtimeError(500, "Unknown error: " + e.Message));
        }
        finally
        {
            lock (_gate)
            {
                if (ReferenceEquals(_socket, socket))
                {
                    _socket = null;
                    _token = null;
                    if (_state == RealtimeClientState.Active) _state = RealtimeClientState.Idle;
                }
            }
            socket.Dispose();
        }
    }

    private void Dispatch(PooledMessage message)
    {
        MsgValue frame;
        try
        {
            // Results outlive the pooled buffer, so decode from a private copy.
            frame = message.IsText
                ? JsonMapping.FromJson(message.Memory.Span, _limits)
                : MsgPackSerializer.Decode(message.Memory.ToArray(), _limits);
        }
        catch (MsgPackException e)
        {
            Error?.Invoke(new RealtimeError(400, "Failed to decode message: " + e.Message));
            return;
        }
        switch (RealtimeFrameClassifier.Classify(frame))
        {
            case RealtimeFrameKind.Result:
                _results.Write(frame);
                break;
            case RealtimeFrameKind.Unauthorized:
                lock (_gate)
                {
                    _token = null;
                    if (_state == RealtimeClientState.Active) _state = RealtimeClientState.Idle;
                }
                break;
            case RealtimeFrameKind.Error:
                var (code, reason, field) = RealtimeFrameClassifier.ErrorDetails(frame);
                Error?.Invoke(new RealtimeError(400, $"{code}: {reason}", code, field, frame));
                break;
        }
    }

    private async Task CloseSocketAsync(ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _sendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException) { }
        finally
        {
            _sendLock.Release();
        }
    }

    private sealed record Outgoing(ReadOnlyMemory<byte> Bytes, bool IsText);
}
