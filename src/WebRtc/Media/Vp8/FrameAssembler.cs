using System.Buffers;

namespace WebRtcBridge.WebRtc.Media;

/// <summary>
/// Receive-side VP8 frame assembly and continuity (RFC 7741 §4.5; docs/webrtc-stack.md#vp8-payload). Packets go in with
/// <see cref="Insert"/> in any order, with gaps and duplicates; complete frames come out through the
/// <see cref="AssembledFrameHandler"/> in sequence order, each exactly once.
/// <para>
/// A frame is complete when it holds every sequence number from its S=1/PID=0 packet through its marker packet.
/// It is emitted when it is <em>continuous</em>: its first sequence number follows the last emitted frame (padding
/// packets in between count), or its PictureID is the previous one + 1. A complete keyframe is always emitted and
/// discards everything older.
/// </para>
/// <para>
/// Giving up on a gap ("declared lost"): a complete frame that is not continuous waits while NACK repairs the gap.
/// The gap is given up when (a) the frame has waited longer than <see cref="FrameAssemblerOptions.MaxWaitMs"/>
/// (checked on <see cref="Insert"/> and <see cref="Poll"/>), or (b) the NACK generator reported a sequence number
/// inside the gap with <see cref="DeclareLost"/>, or (c) capacity forced the oldest frame out (slots, frames, bytes).
/// After that, delta frames are held back (dropped once they can no longer follow a keyframe) and
/// <see cref="NeedKeyFrame"/> is true until a keyframe is emitted: the caller sends PLI, throttled.
/// </para>
/// Single-threaded (the receive loop); the handler must not call back into the assembler.
/// </summary>
public sealed class FrameAssembler : IDisposable
{
    private struct Slot
    {
        public bool Used, Padding, Start, Marker, Key;
        public ushort Seq;
        public uint Ts;
        public byte[]? Data;
        public int Length;
    }

    private struct Entry
    {
        public bool Used, Complete, HasStart, Key;
        public uint Ts;
        public ushort Low, High, First, Last;
        public int PictureId, PictureIdMask, Packets, Bytes;
        public long Order, FirstArrivalMs, CompleteSinceMs;
    }

    private readonly AssembledFrameHandler _onFrame;
    private readonly FrameAssemblerOptions _options;
    private readonly Slot[] _slots;
    private readonly int _mask;
    private readonly Entry[] _entries;
    private byte[] _frameBuffer = Array.Empty<byte>();
    private long _order;
    private bool _hasExpected;
    private ushort _expectedSeq;
    private int _lastPictureId = -1;
    private bool _waitingForKey = true;
    private bool _needKey;
    private bool _hasLost;
    private ushort _lostSeq;
    private bool _disposed;

    /// <summary>Creates an assembler that hands complete frames to <paramref name="onFrame"/>.</summary>
    public FrameAssembler(AssembledFrameHandler onFrame, FrameAssemblerOptions? options = null)
    {
        _onFrame = onFrame ?? throw new ArgumentNullException(nameof(onFrame));
        _options = options ?? new FrameAssemblerOptions();
        int cap = _options.PacketCapacity;
        if (cap < 64 || cap > 32768 || (cap & (cap - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(options), "PacketCapacity must be a power of two in 64..32768.");
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxFrames, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxBytes, 1500);
        _slots = new Slot[cap];
        _mask = cap - 1;
        _entries = new Entry[_options.MaxFrames];
    }

    /// <summary>True while delta frames are being held back for want of a keyframe; send PLI (throttled).</summary>
    public bool NeedKeyFrame => _needKey;

    /// <summary>Packets passed to <see cref="Insert"/>.</summary>
    public long PacketsReceived { get; private set; }
    /// <summary>Empty-payload (padding) packets.</summary>
    public long PaddingPackets { get; private set; }
    /// <summary>Duplicate packets dropped.</summary>
    public long DuplicatePackets { get; private set; }
    /// <summary>Packets too old (already emitted region, or beyond the buffer) dropped.</summary>
    public long LatePackets { get; private set; }
    /// <summary>Packets with a malformed payload descriptor dropped.</summary>
    public long MalformedPackets { get; private set; }
    /// <summary>Packets dropped because one frame alone exceeded <see cref="FrameAssemblerOptions.MaxBytes"/>.</summary>
    public long OversizePackets { get; private set; }
    /// <summary>Frames emitted.</summary>
    public long FramesAssembled { get; private set; }
    /// <summary>Keyframes emitted.</summary>
    public long KeyFramesAssembled { get; private set; }
    /// <summary>Frames dropped: incomplete ones given up or evicted, and delta frames that could not follow a keyframe.</summary>
    public long FramesDropped { get; private set; }
    /// <summary>Times <see cref="NeedKeyFrame"/> went from false to true.</summary>
    public long KeyFrameRequests { get; private set; }
    /// <summary>Times a far-behind sequence number reset the state (stream restart).</summary>
    public long Resets { get; private set; }
    /// <summary>Data packets currently held.</summary>
    public int HeldPackets { get; private set; }
    /// <summary>Frames (distinct timestamps) currently held.</summary>
    public int HeldFrames { get; private set; }
    /// <summary>Payload bytes currently held.</summary>
    public int HeldBytes { get; private set; }

    /// <summary>
    /// Adds one RTP packet (its payload after the RTP header and padding removal). Never throws on bad input.
    /// <paramref name="nowMs"/> is the caller's monotonic clock in milliseconds.
    /// </summary>
    public PacketInsertResult Insert(ushort sequenceNumber, uint timestamp, bool marker, ReadOnlySpan<byte> payload, long nowMs)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        PacketsReceived++;
        bool padding = payload.IsEmpty;
        Vp8PayloadDescriptor d = default;
        if (!padding && !Vp8Depacketizer.TryParse(payload, out d))
        {
            MalformedPackets++;
            return PacketInsertResult.Malformed;
        }

        if (_hasExpected)
        {
            int behind = (short)(ushort)(_expectedSeq - sequenceNumber);
            if (behind > 0)
            {
                if (behind <= _options.ResetDistance)
                {
                    LatePackets++;
                    return PacketInsertResult.Late;
                }
                Reset();
            }
        }

        ref Slot slot = ref _slots[sequenceNumber & _mask];
        if (slot.Used)
        {
            if (slot.Seq == sequenceNumber)
            {
                DuplicatePackets++;
                return PacketInsertResult.Duplicate;
            }
            if (!IsNewer(sequenceNumber, slot.Seq))
            {
                LatePackets++;
                return PacketInsertResult.Late;
            }
            EvictSlotOccupant(ref slot);
        }

        if (padding)
        {
            PaddingPackets++;
            slot = new Slot { Used = true, Padding = true, Seq = sequenceNumber };
            Process(nowMs);
            return PacketInsertResult.Padding;
        }

        int index = FindEntry(timestamp);
        int length = payload.Length - d.PayloadOffset;
        if (length > _options.MaxBytes)
        {
            OversizePackets++;
            if (index >= 0) RemoveEntry(index, countDrop: true, loss: true);
            return PacketInsertResult.Dropped;
        }
        while (HeldBytes + length > _options.MaxBytes && HeldFrames > 0)
        {
            int oldest = OldestEntry(except: index);
            if (oldest < 0) break;
            RemoveEntry(oldest, countDrop: true, loss: true);
        }
        if (HeldBytes + length > _options.MaxBytes && index >= 0)
        {
            OversizePackets++;
            RemoveEntry(index, countDrop: true, loss: true);
            return PacketInsertResult.Dropped;
        }
        if (index < 0)
        {
            if (HeldFrames == _entries.Length) RemoveEntry(OldestEntry(except: -1), countDrop: true, loss: true);
            index = NewEntry(timestamp, sequenceNumber, nowMs);
        }

        var data = ArrayPool<byte>.Shared.Rent(length);
        payload[d.PayloadOffset..].CopyTo(data);
        bool start = d.IsFrameStart;
        slot = new Slot
        {
            Used = true, Seq = sequenceNumber, Ts = timestamp, Marker = marker, Start = start,
            Key = start && Vp8FrameHeader.IsKeyFrameStart(payload[d.PayloadOffset..]), Data = data, Length = length,
        };
        HeldPackets++;
        HeldBytes += length;

        ref Entry e = ref _entries[index];
        e.Packets++;
        e.Bytes += length;
        if (IsNewer(e.Low, sequenceNumber)) e.Low = sequenceNumber;
        if (IsNewer(sequenceNumber, e.High)) e.High = sequenceNumber;
        if (d.HasPictureId && (e.PictureId < 0 || start))
        {
            e.PictureId = d.PictureId;
            e.PictureIdMask = d.PictureIdIs15Bit ? 0x7FFF : 0x7F;
        }
        if (start)
        {
            e.HasStart = true;
            e.Key = slot.Key;
        }
        if (!e.Complete && FindComplete(sequenceNumber, timestamp, out ushort first, out ushort last))
        {
            e.Complete = true;
            e.First = first;
            e.Last = last;
            e.Key = _slots[first & _mask].Key;
            e.CompleteSinceMs = nowMs;
        }
        Process(nowMs);
        return PacketInsertResult.Stored;
    }

    /// <summary>Applies the wait timeout without a new packet (call every ~20 ms from the receive loop's timer).</summary>
    public void Poll(long nowMs)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Process(nowMs);
    }

    /// <summary>
    /// The NACK generator gave up on <paramref name="sequenceNumber"/>: a complete frame waiting behind it is released
    /// from waiting at once (the gap is lost; delta frames wait for a keyframe).
    /// </summary>
    public void DeclareLost(ushort sequenceNumber)
    {
        if (_hasExpected && IsNewer(_expectedSeq, sequenceNumber)) return; // already behind us
        ref Slot s = ref _slots[sequenceNumber & _mask];
        if (s.Used && s.Seq == sequenceNumber) return;                  // it did arrive
        if (!_hasLost || IsNewer(_lostSeq, sequenceNumber)) _lostSeq = sequenceNumber;
        _hasLost = true;
    }

    /// <summary>
    /// The decoder failed (or the caller otherwise needs a fresh start): hold delta frames back until a keyframe and
    /// raise <see cref="NeedKeyFrame"/>.
    /// </summary>
    public void RequestKeyFrame() => EnterWaitingForKey();

    // ---- emission -------------------------------------------------------------------------------------------

    private void Process(long nowMs)
    {
        while (true)
        {
            SkipPaddingAtExpected();
            int next = -1;
            if (!_waitingForKey && _hasExpected) next = FindContinuous();
            if (next < 0) next = OldestCompleteKeyFrame();
            if (next < 0) break;
            Emit(next);
        }
        if (_waitingForKey) DropUnusableDeltas();
        else GiveUpIfDue(nowMs);
    }

    private void SkipPaddingAtExpected()
    {
        if (!_hasExpected) return;
        for (int i = 0; i < _slots.Length; i++)
        {
            ref Slot s = ref _slots[_expectedSeq & _mask];
            if (!s.Used || !s.Padding || s.Seq != _expectedSeq) return;
            s = default;
            _expectedSeq++;
        }
    }

    private int FindContinuous()
    {
        for (int i = 0; i < _entries.Length; i++)
        {
            ref Entry e = ref _entries[i];
            if (!e.Used || !e.Complete) continue;
            if (e.First == _expectedSeq) return i;
            if (e.PictureId >= 0 && _lastPictureId >= 0 && e.PictureId == ((_lastPictureId + 1) & e.PictureIdMask)
                && IsNewer(e.First, _expectedSeq))
                return i;
        }
        return -1;
    }

    private int OldestCompleteKeyFrame()
    {
        int best = -1;
        for (int i = 0; i < _entries.Length; i++)
        {
            ref Entry e = ref _entries[i];
            if (!e.Used || !e.Complete || !e.Key) continue;
            if (best < 0 || IsNewer(_entries[best].First, e.First)) best = i;
        }
        return best;
    }

    private void Emit(int index)
    {
        ref Entry e = ref _entries[index];
        ushort first = e.First, last = e.Last;
        uint ts = e.Ts;
        bool key = e.Key;
        int pictureId = e.PictureId;
        long arrival = e.FirstArrivalMs;

        int total = 0;
        for (ushort s = first; ; s++)
        {
            total += _slots[s & _mask].Length;
            if (s == last) break;
        }
        if (_frameBuffer.Length < total)
        {
            if (_frameBuffer.Length > 0) ArrayPool<byte>.Shared.Return(_frameBuffer);
            _frameBuffer = ArrayPool<byte>.Shared.Rent(total);
        }
        int offset = 0;
        for (ushort s = first; ; s++)
        {
            ref Slot slot = ref _slots[s & _mask];
            slot.Data.AsSpan(0, slot.Length).CopyTo(_frameBuffer.AsSpan(offset));
            offset += slot.Length;
            if (s == last) break;
        }

        RemoveEntry(index, countDrop: false, loss: false);
        PurgeOlderThan(first);
        _hasExpected = true;
        _expectedSeq = (ushort)(last + 1);
        _lastPictureId = pictureId;
        if (_hasLost && !IsNewer(_lostSeq, last)) _hasLost = false;
        if (key)
        {
            _waitingForKey = false;
            _needKey = false;
            KeyFramesAssembled++;
        }
        FramesAssembled++;
        _onFrame(new AssembledFrame(_frameBuffer.AsSpan(0, total), ts, first, last, key, pictureId, arrival));
    }

    /// <summary>Not waiting for a keyframe: give up the gap before the oldest blocked complete frame when due.</summary>
    private void GiveUpIfDue(long nowMs)
    {
        int oldest = -1;
        for (int i = 0; i < _entries.Length; i++)
        {
            ref Entry e = ref _entries[i];
            if (!e.Used || !e.Complete) continue;
            if (oldest < 0 || IsNewer(_entries[oldest].First, e.First)) oldest = i;
        }
        if (oldest < 0) return;
        ref Entry b = ref _entries[oldest];
        bool lostInGap = _hasLost && (!_hasExpected || !IsNewer(_expectedSeq, _lostSeq)) && IsNewer(b.First, _lostSeq);
        if (!lostInGap && nowMs - b.CompleteSinceMs <= _options.MaxWaitMs) return;

        _hasLost = false;
        ushort first = b.First;
        PurgeOlderThan(first);
        _hasExpected = true;
        _expectedSeq = first;
        EnterWaitingForKey();
        DropUnusableDeltas();
    }

    /// <summary>While waiting for a keyframe: drop complete delta frames that no older pending frame could be a keyframe for.</summary>
    private void DropUnusableDeltas()
    {
        bool anyCandidate = false;
        ushort oldestCandidate = 0;
        for (int i = 0; i < _entries.Length; i++)
        {
            ref Entry e = ref _entries[i];
            if (!e.Used || e.Complete || (e.HasStart && !e.Key)) continue; // a possible keyframe still assembling
            if (!anyCandidate || IsNewer(oldestCandidate, e.Low)) oldestCandidate = e.Low;
            anyCandidate = true;
        }
        for (int i = 0; i < _entries.Length; i++)
        {
            ref Entry e = ref _entries[i];
            if (!e.Used || !e.Complete || e.Key) continue;
            if (!anyCandidate || IsNewer(oldestCandidate, e.First))
            {
                RemoveEntry(i, countDrop: true, loss: false);
                if (!_needKey)
                {
                    _needKey = true;
                    KeyFrameRequests++;
                }
            }
        }
    }

    private void EnterWaitingForKey()
    {
        _waitingForKey = true;
        if (_needKey) return;
        _needKey = true;
        KeyFrameRequests++;
    }

    // ---- storage --------------------------------------------------------------------------------------------

    private bool FindComplete(ushort seq, uint ts, out ushort first, out ushort last)
    {
        first = last = 0;
        ushort s = seq;
        for (int n = 0; ; n++)
        {
            if (n >= _slots.Length || !IsFrameSlot(s, ts)) return false;
            if (_slots[s & _mask].Start) break;
            s--;
        }
        first = s;
        s = seq;
        for (int n = 0; ; n++)
        {
            if (n >= _slots.Length || !IsFrameSlot(s, ts)) return false;
            if (_slots[s & _mask].Marker) break;
            s++;
        }
        last = s;
        return true;
    }

    private bool IsFrameSlot(ushort seq, uint ts)
    {
        ref Slot s = ref _slots[seq & _mask];
        return s.Used && !s.Padding && s.Seq == seq && s.Ts == ts;
    }

    private int FindEntry(uint ts)
    {
        for (int i = 0; i < _entries.Length; i++)
            if (_entries[i].Used && _entries[i].Ts == ts) return i;
        return -1;
    }

    private int OldestEntry(int except)
    {
        int best = -1;
        for (int i = 0; i < _entries.Length; i++)
        {
            if (i == except || !_entries[i].Used) continue;
            if (best < 0 || _entries[i].Order < _entries[best].Order) best = i;
        }
        return best;
    }

    private int NewEntry(uint ts, ushort seq, long nowMs)
    {
        for (int i = 0; i < _entries.Length; i++)
        {
            if (_entries[i].Used) continue;
            _entries[i] = new Entry
            {
                Used = true, Ts = ts, Low = seq, High = seq, PictureId = -1, Order = ++_order, FirstArrivalMs = nowMs,
            };
            HeldFrames++;
            return i;
        }
        throw new InvalidOperationException("No free frame entry (internal error).");
    }

    /// <summary>Removes a frame and its packets. <paramref name="loss"/>: it was not yet emitted and is newer than what was.</summary>
    private void RemoveEntry(int index, bool countDrop, bool loss)
    {
        ref Entry e = ref _entries[index];
        if (!e.Used) return;
        int cleared = 0;
        if ((ushort)(e.High - e.Low) < _slots.Length)
        {
            for (ushort s = e.Low; ; s++)
            {
                ref Slot slot = ref _slots[s & _mask];
                if (slot.Used && !slot.Padding && slot.Seq == s && slot.Ts == e.Ts)
                {
                    ClearSlot(ref slot);
                    cleared++;
                }
                if (s == e.High) break;
            }
        }
        if (cleared < e.Packets)
        {
            // Sequence numbers spread wider than the buffer (garbage input): sweep every slot of this timestamp.
            for (int i = 0; i < _slots.Length; i++)
                if (_slots[i].Used && !_slots[i].Padding && _slots[i].Ts == e.Ts) ClearSlot(ref _slots[i]);
        }
        bool stale = _hasExpected && IsNewer(_expectedSeq, e.High);
        if (loss && !stale)
        {
            // Everything up to this frame is gone: later packets of it are late, and continuity is broken.
            _hasExpected = true;
            _expectedSeq = (ushort)(e.High + 1);
            EnterWaitingForKey();
        }
        e = default;
        HeldFrames--;
        if (countDrop) FramesDropped++;
    }

    private void PurgeOlderThan(ushort seq)
    {
        for (int i = 0; i < _entries.Length; i++)
            if (_entries[i].Used && IsNewer(seq, _entries[i].High)) RemoveEntry(i, countDrop: true, loss: false);
    }

    private void EvictSlotOccupant(ref Slot slot)
    {
        if (slot.Padding)
        {
            slot = default;
            return;
        }
        int index = FindEntry(slot.Ts);
        if (index >= 0) RemoveEntry(index, countDrop: true, loss: true);
        if (slot.Used) ClearSlot(ref slot); // an orphan (should not happen); keep the counts right
    }

    private void ClearSlot(ref Slot slot)
    {
        if (slot.Data is { } d) ArrayPool<byte>.Shared.Return(d);
        HeldPackets--;
        HeldBytes -= slot.Length;
        slot = default;
    }

    private void Reset()
    {
        Resets++;
        for (int i = 0; i < _entries.Length; i++) if (_entries[i].Used) RemoveEntry(i, countDrop: true, loss: false);
        for (int i = 0; i < _slots.Length; i++) if (_slots[i].Used) _slots[i] = default;
        _hasExpected = false;
        _lastPictureId = -1;
        _hasLost = false;
        _waitingForKey = true;
    }

    /// <summary>RFC 1982 serial comparison: <paramref name="a"/> is after <paramref name="b"/>.</summary>
    private static bool IsNewer(ushort a, ushort b) => a != b && (ushort)(a - b) < 0x8000;

    /// <summary>Returns all held buffers to the pool.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        for (int i = 0; i < _slots.Length; i++)
            if (_slots[i].Data is { } d) ArrayPool<byte>.Shared.Return(d);
        Array.Clear(_slots);
        if (_frameBuffer.Length > 0) ArrayPool<byte>.Shared.Return(_frameBuffer);
        _frameBuffer = Array.Empty<byte>();
    }
}
