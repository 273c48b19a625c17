using System.Buffers;

namespace WebRtcBridge.Protocol.MsgPack;

/// <summary>
/// The items of the JSON containers being parsed, on one pooled array: a container's items are pushed as they are
/// read and popped into an exact-size array at its end. Cleared when returned, so the pool holds no values.
/// </summary>
internal struct JsonValueStack : IDisposable
{
    private MsgValue[]? _items;

    public int Count { get; private set; }

    public void Push(MsgValue value)
    {
        if (_items is null || Count == _items.Length) Grow();
        _items![Count++] = value;
    }

    /// <summary>Everything above <paramref name="mark"/> as an array, removed from the stack.</summary>
    public MsgValue[] PopItems(int mark)
    {
        var items = _items.AsSpan(mark, Count - mark).ToArray();
        Release(mark);
        return items;
    }

    /// <summary>Everything above <paramref name="mark"/>, taken as key, value, key, value…, as map entries.</summary>
    public KeyValuePair<MsgValue, MsgValue>[] PopEntries(int mark)
    {
        var entries = new KeyValuePair<MsgValue, MsgValue>[(Count - mark) / 2];
        for (var i = 0; i < entries.Length; i++) entries[i] = new(_items![mark + 2 * i], _items[mark + 2 * i + 1]);
        Release(mark);
        return entries;
    }

    public void Dispose()
    {
        if (_items is null) return;
        ArrayPool<MsgValue>.Shared.Return(_items, clearArray: true);
        _items = null;
        Count = 0;
    }

    private void Release(int mark)
    {
        _items.AsSpan(mark, Count - mark).Clear();
        Count = mark;
    }

    private void Grow()
    {
        var bigger = ArrayPool<MsgValue>.Shared.Rent(_items is null ? 64 : _items.Length * 2);
        if (_items is not null)
        {
            _items.AsSpan(0, Count).CopyTo(bigger);
            ArrayPool<MsgValue>.Shared.Return(_items, clearArray: true);
        }
        _items = bigger;
    }
}
