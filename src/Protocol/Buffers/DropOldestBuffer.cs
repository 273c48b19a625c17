using System.Threading.Channels;

namespace WebRtcBridge.Protocol.Buffers;

/// <summary>
/// A bounded queue that never blocks the writer: when it holds more than <see cref="Capacity"/> items or, with a
/// size function, more than <see cref="MaxBytes"/> bytes, the oldest items are dropped (and counted, and handed to
/// <c>onDropped</c> so they can return pooled memory). The newest item is always kept, whatever its size. This is
/// fal's <c>deque(maxlen=buffering)</c> for realtime inputs (with a byte bound besides), and with capacity 1 the
/// latest-frame-wins slot of the WebRTC pipeline.
/// </summary>
public sealed class DropOldestBuffer<T>
{
    // Unbounded underneath: the bounds are enforced under _gate, where the writer also takes out what it drops.
    private readonly Channel<T> _channel = Channel.CreateUnbounded<T>(new UnboundedChannelOptions
    {
        SingleReader = false, SingleWriter = false, AllowSynchronousContinuations = false,
    });
    private readonly Lock _gate = new();
    private readonly Action<T>? _onDropped;
    private readonly Func<T, long>? _sizeOf;
    private int _count;
    private long _bytes;
    private long _dropped;
    private long _droppedBytes;
    private long _written;

    public DropOldestBuffer(int capacity, Action<T>? onDropped = null) : this(capacity, long.MaxValue, null, onDropped) { }

    /// <param name="capacity">Most items held.</param>
    /// <param name="maxBytes">Most bytes held, as <paramref name="sizeOf"/> counts them (the newest item is always kept).</param>
    /// <param name="sizeOf">An item's size; it must not change while the item is queued. Null: bytes are not counted.</param>
    /// <param name="onDropped">Called with every item dropped (and, from <see cref="CompleteAndDrain"/>, left over).</param>
    public DropOldestBuffer(int capacity, long maxBytes, Func<T, long>? sizeOf, Action<T>? onDropped = null)
    {
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "capacity must be at least 1");
        if (maxBytes < 1) throw new ArgumentOutOfRangeException(nameof(maxBytes), maxBytes, "maxBytes must be at least 1");
        Capacity = capacity;
        MaxBytes = maxBytes;
        _sizeOf = sizeOf;
        _onDropped = onDropped;
    }

    public int Capacity { get; }

    /// <summary>Most bytes held (<see cref="long.MaxValue"/> when bytes are not counted).</summary>
    public long MaxBytes { get; }

    /// <summary>Items dropped because newer ones arrived while the buffer was full (by count or by bytes).</summary>
    public long DroppedCount => Interlocked.Read(ref _dropped);

    /// <summary>Bytes of the dropped items.</summary>
    public long DroppedBytes => Interlocked.Read(ref _droppedBytes);

    /// <summary>Items ever written.</summary>
    public long WrittenCount => Interlocked.Read(ref _written);

    /// <summary>Items waiting now (at most <see cref="Capacity"/>).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Bytes of the items waiting now.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Adds an item; while over a bound, the oldest waiting items are dropped. False once completed.</summary>
    public bool Write(T item)
    {
        var size = Size(item);
        lock (_gate)
        {
            if (!_channel.Writer.TryWrite(item)) return false;
            _count++;
            _bytes += size;
            _written++;
        }
        while (true)
        {
            T oldest;
            lock (_gate)
            {
                if (_count <= 1 || (_count <= Capacity && _bytes <= MaxBytes)) return true;
                if (!_channel.Reader.TryRead(out oldest!)) return true;
                var oldSize = Size(oldest);
                _count--;
                _bytes -= oldSize;
                _dropped++;
                _droppedBytes += oldSize;
            }
            _onDropped?.Invoke(oldest);
        }
    }

    public bool TryRead(out T item)
    {
        lock (_gate)
        {
            if (!_channel.Reader.TryRead(out item!)) return false;
            _count--;
            _bytes -= Size(item);
            return true;
        }
    }

    public ValueTask<bool> WaitToReadAsync(CancellationToken ct) => _channel.Reader.WaitToReadAsync(ct);

    /// <summary>No more writes; readers drain what is left.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    /// <summary>Completes and hands every waiting item to the drop callback (without counting it as dropped).</summary>
    public void CompleteAndDrain()
    {
        Complete();
        while (TryRead(out var item)) _onDropped?.Invoke(item);
    }

    private long Size(T item) => _sizeOf?.Invoke(item) ?? 0;
}
