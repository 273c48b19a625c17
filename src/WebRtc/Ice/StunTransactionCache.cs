using System.Buffers.Binary;
using System.Net;

namespace WebRtcBridge.WebRtc.Ice;

/// <summary>
/// The transaction ids of the last <see cref="Capacity"/> authenticated Binding requests and the address each came
/// from, to tell a retransmission (same id, same address: RFC 8489 §6.3.1 answers it again) from a replay (same id,
/// another address: a copied request with a valid MESSAGE-INTEGRITY, which must neither refresh consent nor nominate).
/// A fixed ring: the oldest entry is overwritten; no allocation after construction. Not thread-safe.
/// </summary>
internal sealed class StunTransactionCache
{
    /// <summary>Entries kept. Consent checks come every ~5 s and checks at most every few ms: 64 covers seconds.</summary>
    public const int Capacity = 64;

    private readonly ulong[] _high = new ulong[Capacity];
    private readonly uint[] _low = new uint[Capacity];
    private readonly IPEndPoint?[] _sources = new IPEndPoint?[Capacity];
    private int _next, _count;

    /// <summary>What a lookup found.</summary>
    public enum Match
    {
        /// <summary>Never seen.</summary>
        New,
        /// <summary>Seen from the same address: a retransmission.</summary>
        SameSource,
        /// <summary>Seen from another address: a replay.</summary>
        OtherSource,
    }

    /// <summary>Looks <paramref name="transactionId"/> up and says whether it is new, or was seen from <paramref name="source"/> or elsewhere.</summary>
    public Match Find(ReadOnlySpan<byte> transactionId, IPEndPoint source)
    {
        ulong high = BinaryPrimitives.ReadUInt64BigEndian(transactionId);
        uint low = BinaryPrimitives.ReadUInt32BigEndian(transactionId.Slice(8));
        for (int i = 0; i < _count; i++)
        {
            if (_high[i] == high && _low[i] == low)
                return source.Equals(_sources[i]) ? Match.SameSource : Match.OtherSource;
        }
        return Match.New;
    }

    /// <summary>Remembers a new id with its source (the caller's stored tuple: the reference is kept), evicting the oldest.</summary>
    public void Add(ReadOnlySpan<byte> transactionId, IPEndPoint source)
    {
        _high[_next] = BinaryPrimitives.ReadUInt64BigEndian(transactionId);
        _low[_next] = BinaryPrimitives.ReadUInt32BigEndian(transactionId.Slice(8));
        _sources[_next] = source;
        _next = (_next + 1) % Capacity;
        if (_count < Capacity) _count++;
    }
}
