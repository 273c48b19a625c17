using System.Threading.Channels;

namespace WebRtcBridge.Protocol.Buffers;

/// <summary>
/// A bounded queue that never blocks the writer: when full, the oldest item is dropped (and counted, and handed to
/// <c>onDropped</c> so it can return pooled memory). This is fal's <c>deque(maxlen=buffering)</c> for realtime
/// inputs, and with capacity 1 the latest-frame-wins slot of the WebRTC pipeline.
/// </summary>
public sealed class DropOldestBuffer<T>
{
    private readonly Channel<T> _channel;
    private readonly Action<T>? _onDropped;
    private long _dropped;
    private long _written;

    public DropOldestBuffer(int capacity, Action<T>? onDropped = null)
    {
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "capacity must be at least 1");
        Capacity = capacity;
        _onDropped = onDropped;
        _channel = Channel.CreateBounded<T>(
            new BoundedChannelOptions(capacity)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
                SingleWriter = false,
                AllowSynchronousContinuations = false,
            },
            Dropped);
    }

    public int Capacity { get; }

    /// <summary>Items dropped because a newer one arrived while the buffer was full.</summary>
    public long DroppedCount => Interlocked.Read(ref _dropped);

    /// <summary>Items ever written.</summary>
    public long WrittenCount => Interlocked.Read(ref _written);

    /// <summary>Items waiting now (at most <see cref="Capacity"/>).</summary>
    public int Count => _channel.Reader.Count;

    /// <summary>Adds an item; when full, the oldest waiting item is dropped. False once completed.</summary>
    public bool Write(T item)
    {
        if (!_channel.Writer.TryWrite(item)) return false;
        Interlocked.Increment(ref _written);
        return true;
    }

    public bool TryRead(out T item) => _channel.Reader.TryRead(out item!);

    public ValueTask<bool> WaitToReadAsync(CancellationToken ct) => _channel.Reader.WaitToReadAsync(ct);

    /// <summary>No more writes; readers drain what is left.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    /// <summary>Completes and hands every waiting item to the drop callback (without counting it as dropped).</summary>
    public void CompleteAndDrain()
    {
        Complete();
        while (_channel.Reader.TryRead(out var item)) _onDropped?.Invoke(item);
    }

    private void Dropped(T item)
    {
        Interlocked.Increment(ref _dropped);
        _onDropped?.Invoke(item);
    }
}
