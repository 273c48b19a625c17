namespace WebRtcBridge.WebRtc.Rtp;

/// <summary>
/// Receiver-side NACK bookkeeping for one SSRC (RFC 4585 §6.2.1, policy in docs/webrtc-stack.md#rtp-and-rtcp-policy): a gap is NACKed
/// as soon as a higher sequence number arrives, re-NACKed at most once per RTT, and given up after
/// <see cref="NackGeneratorOptions.MaxRetries"/> tries, when it falls <see cref="NackGeneratorOptions.MaxPacketAge"/>
/// behind, or after <see cref="NackGeneratorOptions.MaxAgeMs"/>. Giving up (or overflowing the bounded list) raises
/// a keyframe request, taken with <see cref="TakeKeyframeRequest"/>. Per-packet calls do not allocate.
/// Call <see cref="OnPacket"/> for every received packet, then <see cref="GetNackBatch"/> right away and every ~20 ms.
/// </summary>
public sealed class NackGenerator
{
    private struct Entry
    {
        public long Seq;          // unwrapped
        public long MissingSinceMs;
        public long LastNackMs;   // long.MinValue: never sent
        public int Retries;
    }

    private readonly NackGeneratorOptions _options;
    private readonly Entry[] _entries; // sorted by Seq, ascending
    private readonly SequenceNumberUnwrapper _unwrapper = new();
    private int _count;
    private bool _keyframeNeeded;

    /// <summary>Creates a generator.</summary>
    public NackGenerator(NackGeneratorOptions? options = null)
    {
        _options = options ?? NackGeneratorOptions.Default;
        if (_options.MaxNackPackets < 1) throw new ArgumentOutOfRangeException(nameof(options));
        _entries = new Entry[_options.MaxNackPackets];
        RttMs = _options.DefaultRttMs;
    }

    /// <summary>Current RTT estimate: the minimum interval between two NACKs of the same packet.</summary>
    public int RttMs { get; set; }

    /// <summary>Packets currently missing and being NACKed.</summary>
    public int MissingCount => _count;

    /// <summary>Total sequence numbers put into NACK batches (including re-NACKs).</summary>
    public long NacksRequested { get; private set; }

    /// <summary>Missing packets that arrived later (retransmitted or reordered).</summary>
    public long Recovered { get; private set; }

    /// <summary>Missing packets given up (retries, age, overflow).</summary>
    public long Unrecoverable { get; private set; }

    /// <summary>Times the list overflowed and was cleared.</summary>
    public long Overflows { get; private set; }

    /// <summary>Records a received sequence number: a newer one adds the gap before it, an older one may fill a gap.</summary>
    public void OnPacket(ushort seq, long nowMs)
    {
        bool first = !_unwrapper.HasValue;
        long newest = _unwrapper.Highest;
        long s = _unwrapper.Unwrap(seq);
        if (first) return;
        if (s > newest)
        {
            long gap = s - newest - 1;
            if (gap > 0)
            {
                if (gap >= _options.MaxPacketAge || _count + gap > _entries.Length)
                {
                    // Too much is missing to recover by NACK: clear and ask for a keyframe.
                    Overflow(gap);
                }
                else
                {
                    for (long m = newest + 1; m < s; m++)
                        _entries[_count++] = new Entry { Seq = m, MissingSinceMs = nowMs, LastNackMs = long.MinValue };
                }
            }
            DropOlderThan(s - _options.MaxPacketAge, giveUp: true);
        }
        else
        {
            int i = Find(s);
            if (i >= 0)
            {
                RemoveAt(i);
                Recovered++;
            }
        }
    }

    /// <summary>
    /// A keyframe starts at <paramref name="seq"/> (call after <see cref="OnPacket"/> for it): older gaps no longer
    /// matter for decoding, so they are dropped without a keyframe request, and a pending request is cancelled.
    /// </summary>
    public void OnKeyframe(ushort seq)
    {
        if (!_unwrapper.HasValue) return;
        DropOlderThan(_unwrapper.Peek(seq), giveUp: false);
        _keyframeNeeded = false;
    }

    /// <summary>
    /// Writes the sequence numbers to NACK now (never NACKed, or last NACKed at least one RTT ago) into
    /// <paramref name="destination"/>, oldest first, and gives up on packets past their limits. Returns the count.
    /// </summary>
    public int GetNackBatch(long nowMs, Span<ushort> destination)
    {
        int written = 0;
        for (int i = 0; i < _count;)
        {
            ref Entry e = ref _entries[i];
            bool due = e.LastNackMs == long.MinValue || nowMs - e.LastNackMs >= RttMs;
            bool tooOld = _options.MaxAgeMs > 0 && nowMs - e.MissingSinceMs > _options.MaxAgeMs;
            if (tooOld || (due && e.Retries >= _options.MaxRetries))
            {
                RemoveAt(i);
                GiveUp(1);
                continue;
            }
            if (due && written < destination.Length)
            {
                destination[written++] = (ushort)e.Seq;
                e.LastNackMs = nowMs;
                e.Retries++;
                NacksRequested++;
            }
            i++;
        }
        return written;
    }

    /// <summary>True once after a loss became unrecoverable: the caller should send a (throttled) PLI/FIR.</summary>
    public bool TakeKeyframeRequest()
    {
        bool r = _keyframeNeeded;
        _keyframeNeeded = false;
        return r;
    }

    /// <summary>True while an unrecoverable loss is waiting for <see cref="TakeKeyframeRequest"/>.</summary>
    public bool KeyframeRequestPending => _keyframeNeeded;

    private void Overflow(long lostBeyond)
    {
        Overflows++;
        GiveUp(_count + lostBeyond);
        _count = 0;
    }

    private void GiveUp(long packets)
    {
        Unrecoverable += packets;
        _keyframeNeeded = true;
    }

    private void DropOlderThan(long seq, bool giveUp)
    {
        int n = 0;
        while (n < _count && _entries[n].Seq < seq) n++;
        if (n == 0) return;
        Array.Copy(_entries, n, _entries, 0, _count - n);
        _count -= n;
        if (giveUp) GiveUp(n);
    }

    private int Find(long seq)
    {
        int lo = 0, hi = _count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            long v = _entries[mid].Seq;
            if (v == seq) return mid;
            if (v < seq) lo = mid + 1; else hi = mid - 1;
        }
        return -1;
    }

    private void RemoveAt(int i)
    {
        Array.Copy(_entries, i + 1, _entries, i, _count - i - 1);
        _count--;
    }
}
