using System.Buffers;
using System.Net.WebSockets;

namespace WebRtcBridge.Protocol.Transport;

/// <summary>One whole WebSocket message in a rented buffer; <see cref="Dispose"/> returns it to the pool.</summary>
public sealed class PooledMessage : IDisposable
{
    private byte[]? _buffer;

    internal PooledMessage(byte[] buffer, int length, bool isText)
    {
        _buffer = buffer;
        Length = length;
        IsText = isText;
    }

    public int Length { get; }
    public bool IsText { get; }
    public ReadOnlyMemory<byte> Memory => (_buffer ?? throw new ObjectDisposedException(nameof(PooledMessage))).AsMemory(0, Length);

    public void Dispose()
    {
        var b = Interlocked.Exchange(ref _buffer, null);
        if (b is not null) ArrayPool<byte>.Shared.Return(b);
    }
}

/// <summary>What <see cref="WebSocketMessageReader.ReadAsync"/> found.</summary>
public enum ReadOutcome
{
    Message,
    /// <summary>A message larger than the cap was read and thrown away; the socket stays usable.</summary>
    TooLarge,
    Closed,
}

/// <summary>
/// Reads whole messages into pooled buffers that grow by doubling up to a cap. A message over the cap is drained
/// and discarded, so one oversized frame costs the sender an error frame, not the session. The first buffer is sized
/// for the previous message, so a stream of large messages (images, video frames) is read without regrowing.
/// </summary>
public sealed class WebSocketMessageReader(WebSocket socket, int maxMessageBytes)
{
    private const int InitialSize = 16 * 1024;
    private int _lastLength;

    public int MaxMessageBytes { get; } = maxMessageBytes;

    /// <summary>The size of the last message that was too large (bytes read before the end).</summary>
    public long LastOversizedLength { get; private set; }

    public async ValueTask<(ReadOutcome Outcome, PooledMessage? Message)> ReadAsync(CancellationToken ct)
    {
        // One byte over the last message's size, so a same-sized message ends before the buffer is full.
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(InitialSize, Math.Min(_lastLength + 1, MaxMessageBytes + 1)));
        var length = 0;
        var oversized = false;
        long total = 0;
        try
        {
            while (true)
            {
                if (!oversized && length == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, MaxMessageBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var target = oversized ? buffer.AsMemory() : buffer.AsMemory(length);
                var result = await socket.ReceiveAsync(target, ct).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return (ReadOutcome.Closed, null);
                }
                total += result.Count;
                if (!oversized)
                {
                    length += result.Count;
                    if (length > MaxMessageBytes) oversized = true;
                }
                if (!result.EndOfMessage) continue;
                if (oversized)
                {
                    LastOversizedLength = total;
                    ArrayPool<byte>.Shared.Return(buffer);
                    return (ReadOutcome.TooLarge, null);
                }
                _lastLength = length;
                var message = new PooledMessage(buffer, length, result.MessageType == WebSocketMessageType.Text);
                buffer = null!;
                return (ReadOutcome.Message, message);
            }
        }
        catch
        {
            if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}
