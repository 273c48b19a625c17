namespace WebRtcBridge.WebRtc.Srtp;

/// <summary>
/// Sliding replay window over packet indices (RFC 3711 §3.3.2): a circular bitmap of <see cref="Size"/> bits behind
/// the highest index seen. Check with <see cref="CanAccept"/> before, and <see cref="Accept"/> only after, authentication.
/// </summary>
internal sealed class SrtpReplayWindow
{
    private readonly ulong[] _bits;
    private long _highest = -1;

    public SrtpReplayWindow(int size)
    {
        if (size < 64) throw new ArgumentOutOfRangeException(nameof(size), "RFC 3711 requires at least 64");
        _bits = new ulong[(size + 63) / 64];
        Size = _bits.Length * 64;
    }

    /// <summary>Window size in packets (a multiple of 64).</summary>
    public int Size { get; }

    /// <summary>Highest accepted index, or -1 before the first.</summary>
    public long Highest => _highest;

    /// <summary>False when <paramref name="index"/> was already accepted or is older than the window.</summary>
    public bool CanAccept(long index)
    {
        if (index < 0) return false;
        if (_highest < 0 || index > _highest) return true;
        if (_highest - index >= Size) return false;
        return !IsSet(index);
    }

    /// <summary>Marks <paramref name="index"/> as received, sliding the window forward when it is newer.</summary>
    public void Accept(long index)
    {
        if (index > _highest)
        {
            long delta = _highest < 0 ? long.MaxValue : index - _highest;
            if (delta >= Size) Array.Clear(_bits);
            else for (long i = _highest + 1; i < index; i++) Clear(i);
            _highest = index;
        }
        Set(index);
    }

    private int Bit(long index) => (int)(index % Size);
    private bool IsSet(long index) { int b = Bit(index); return (_bits[b >> 6] & (1UL << (b & 63))) != 0; }
    private void Set(long index) { int b = Bit(index); _bits[b >> 6] |= 1UL << (b & 63); }
    private void Clear(long index) { int b = Bit(index); _bits[b >> 6] &= ~(1UL << (b & 63)); }
}
