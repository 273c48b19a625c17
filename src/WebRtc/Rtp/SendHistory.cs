using System.Buffers.Binary;

namespace WebRtcBridge.WebRtc.Rtp;

/// <summary>
/// Recently sent RTP packets (plain RTP, before SRTP) for retransmission on NACK without RTX (RFC 4585; resend the
/// stored packet unchanged on the same SSRC/seq). One preallocated slab; slot = seq mod capacity, so a packet stays
/// until <see cref="Capacity"/> newer ones were sent or it is older than <see cref="MaxAgeMs"/>. No allocation per packet.
/// One SSRC per history.
/// </summary>
public sealed class SendHistory
{
    private readonly byte[] _slab;
    private readonly int[] _lengths;      // 0 = empty
    private readonly ushort[] _seqs;
    private readonly long[] _storedMs;
    private readonly long[] _lastResendMs;
    private readonly byte[] _resends;
    private readonly int _mask;

    /// <summary>
    /// Creates a history of <paramref name="capacity"/> packets (rounded up to a power of two, 16..32768) of up to
    /// <paramref name="maxPacketSize"/> bytes. The default 1024 × 1500 (1.5 MB) keeps 1 s of video up to 1024
    /// packets/s (about 9 Mbit/s of 1100-byte payloads); <see cref="EvictedYoungerThanOneSecond"/> shows when it does not.
    /// </summary>
    public SendHistory(int capacity = 1024, int maxPacketSize = 1500, long maxAgeMs = 2000, int maxResendsPerPacket = DefaultMaxResendsPerPacket)
    {
        if (maxResendsPerPacket is < 1 or > 255) throw new ArgumentOutOfRangeException(nameof(maxResendsPerPacket));
        MaxResendsPerPacket = maxResendsPerPacket;
        if (capacity is < 1 or > 32768) throw new ArgumentOutOfRangeException(nameof(capacity));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPacketSize, 12);
        int c = 16;
        while (c < capacity) c <<= 1;
        Capacity = c;
        MaxPacketSize = maxPacketSize;
        MaxAgeMs = maxAgeMs;
        _mask = c - 1;
        _slab = GC.AllocateUninitializedArray<byte>(c * maxPacketSize);
        _lengths = new int[c];
        _seqs = new ushort[c];
        _storedMs = new long[c];
        _lastResendMs = new long[c];
        _resends = new byte[c];
    }

    /// <summary>Default <see cref="MaxResendsPerPacket"/>: a packet lost three times in a row is better given up (the receiver asks for a keyframe).</summary>
    public const int DefaultMaxResendsPerPacket = 3;

    /// <summary>A packet is resent at most this often, however many NACKs name it.</summary>
    public int MaxResendsPerPacket { get; }

    /// <summary>Retransmissions refused because the packet was already resent <see cref="MaxResendsPerPacket"/> times.</summary>
    public long RefusedOverResendLimit { get; private set; }

    /// <summary>Slots (a power of two dividing 65536).</summary>
    public int Capacity { get; }

    /// <summary>Largest packet stored.</summary>
    public int MaxPacketSize { get; }

    /// <summary>Packets older than this are not resent.</summary>
    public long MaxAgeMs { get; }

    /// <summary>Packets stored.</summary>
    public long Stored { get; private set; }

    /// <summary>Packets handed out for retransmission.</summary>
    public long Retransmitted { get; private set; }

    /// <summary>NACKed packets not in the history (overwritten, expired or never sent).</summary>
    public long MissingFromHistory { get; private set; }

    /// <summary>Retransmissions refused because the same packet was resent less than the given interval ago.</summary>
    public long SuppressedResends { get; private set; }

    /// <summary>Packets not stored because they were larger than <see cref="MaxPacketSize"/> or shorter than an RTP header.</summary>
    public long RejectedPackets { get; private set; }

    /// <summary>Stored packets overwritten while younger than 1 s (capacity too small for the packet rate).</summary>
    public long EvictedYoungerThanOneSecond { get; private set; }

    /// <summary>Stores a copy of the plain RTP packet sent at <paramref name="nowMs"/>; false if it does not fit.</summary>
    public bool Store(ReadOnlySpan<byte> rtpPacket, long nowMs)
    {
        if (rtpPacket.Length < 12 || rtpPacket.Length > MaxPacketSize)
        {
            RejectedPackets++;
            return false;
        }
        ushort seq = BinaryPrimitives.ReadUInt16BigEndian(rtpPacket.Slice(2));
        int slot = seq & _mask;
        if (_lengths[slot] != 0 && nowMs - _storedMs[slot] < 1000) EvictedYoungerThanOneSecond++;
        rtpPacket.CopyTo(_slab.AsSpan(slot * MaxPacketSize, MaxPacketSize));
        _lengths[slot] = rtpPacket.Length;
        _seqs[slot] = seq;
        _storedMs[slot] = nowMs;
        _lastResendMs[slot] = long.MinValue;
        _resends[slot] = 0;
        Stored++;
        return true;
    }

    /// <summary>True if <paramref name="seq"/> is stored and not expired.</summary>
    public bool Contains(ushort seq, long nowMs)
    {
        int slot = seq & _mask;
        return _lengths[slot] != 0 && _seqs[slot] == seq && nowMs - _storedMs[slot] <= MaxAgeMs;
    }

    /// <summary>
    /// Copies the stored packet <paramref name="seq"/> into <paramref name="destination"/> for resending (the caller
    /// then SRTP-protects it). Refuses (counted) when missing/expired, when it was already resent less than
    /// <paramref name="minResendIntervalMs"/> (≈ RTT) ago, or <see cref="MaxResendsPerPacket"/> times already.
    /// </summary>
    public bool TryGetForRetransmission(ushort seq, long nowMs, int minResendIntervalMs, Span<byte> destination, out int length)
        => TryGetForRetransmission(seq, nowMs, minResendIntervalMs, destination, out length, null, 0, 0);

    /// <summary>
    /// Like <see cref="TryGetForRetransmission(ushort, long, int, Span{byte}, out int)"/>, and the packet's bytes plus
    /// <paramref name="overheadBytes"/> (SRTP tag) must also fit in <paramref name="budget"/> at
    /// <paramref name="sendBitrateBps"/>; a refusal there leaves the packet's resend count unchanged.
    /// </summary>
    public bool TryGetForRetransmission(ushort seq, long nowMs, int minResendIntervalMs, Span<byte> destination, out int length,
        RetransmissionBudget? budget, long sendBitrateBps, int overheadBytes)
    {
        length = 0;
        int slot = seq & _mask;
        if (!Contains(seq, nowMs))
        {
            MissingFromHistory++;
            return false;
        }
        if (_lastResendMs[slot] != long.MinValue && nowMs - _lastResendMs[slot] < minResendIntervalMs)
        {
            SuppressedResends++;
            return false;
        }
        if (_resends[slot] >= MaxResendsPerPacket)
        {
            RefusedOverResendLimit++;
            return false;
        }
        int n = _lengths[slot];
        if (destination.Length < n) throw new ArgumentException("destination smaller than the stored packet", nameof(destination));
        if (budget is not null && !budget.TryConsume(n + overheadBytes, sendBitrateBps, nowMs)) return false;
        _slab.AsSpan(slot * MaxPacketSize, n).CopyTo(destination);
        _lastResendMs[slot] = nowMs;
        _resends[slot]++;
        Retransmitted++;
        length = n;
        return true;
    }
}
