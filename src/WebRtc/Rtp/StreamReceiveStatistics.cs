using WebRtcBridge.WebRtc.Rtp.Rtcp;

namespace WebRtcBridge.WebRtc.Rtp;

/// <summary>
/// Reception statistics of one SSRC (RFC 3550 Appendix A.1 sequence validation, A.3 loss, A.8 jitter) and the
/// report block for it. Time comes in as milliseconds from any monotonic clock.
/// </summary>
public sealed class StreamReceiveStatistics
{
    private const int MaxDropout = 3000;   // RFC 3550 A.1
    private const int MaxMisorder = 100;
    private const int SeqMod = 1 << 16;

    private readonly int _clockRate;
    private readonly int _minSequential;
    private int _probation;
    private bool _started;
    private ushort _maxSeq;
    private uint _cycles;
    private uint _baseSeq;
    private uint _badSeq = SeqMod + 1;
    private long _expectedPrior;
    private long _receivedPrior;
    private long _jitterQ4;      // jitter in timestamp units, scaled by 16 (A.8)
    private long _lastTransit;
    private bool _hasTransit;
    private uint _lastJitterTimestamp;
    private uint _lastSrMiddle;
    private long _lastSrArrivalMs = -1;

    /// <summary>Statistics for <paramref name="ssrc"/> at <paramref name="clockRate"/> Hz (90000 for video).</summary>
    /// <param name="ssrc">The media source counted.</param>
    /// <param name="clockRate">RTP timestamp rate in Hz.</param>
    /// <param name="minSequential">Packets in sequence needed before a source is valid (A.1 MIN_SEQUENTIAL); 0 or 1 = valid at once (SRTP authenticated).</param>
    public StreamReceiveStatistics(uint ssrc, int clockRate = 90000, int minSequential = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clockRate);
        Ssrc = ssrc;
        _clockRate = clockRate;
        _minSequential = Math.Max(0, minSequential);
    }

    /// <summary>The SSRC.</summary>
    public uint Ssrc { get; }

    /// <summary>Packets counted as received (includes duplicates, as in A.3).</summary>
    public long PacketsReceived { get; private set; }

    /// <summary>Packets rejected by sequence validation (probation, big jumps).</summary>
    public long PacketsDiscarded { get; private set; }

    /// <summary>Packets that arrived with a sequence number below the highest (late, retransmitted or duplicate).</summary>
    public long PacketsOutOfOrder { get; private set; }

    /// <summary>Extended highest sequence number: cycles · 65536 + max_seq.</summary>
    public uint ExtendedHighestSequence => _cycles + _maxSeq;

    /// <summary>Expected packets: extended max − base + 1 (A.3).</summary>
    public long Expected => _started ? (long)ExtendedHighestSequence - _baseSeq + 1 : 0;

    /// <summary>Cumulative number of packets lost (can be negative with duplicates, A.3).</summary>
    public long CumulativeLost => Expected - PacketsReceived;

    /// <summary>Interarrival jitter in timestamp units (A.8).</summary>
    public uint Jitter => (uint)(_jitterQ4 >> 4);

    /// <summary>Counts a packet that arrived at <paramref name="arrivalMs"/>; returns false if sequence validation rejected it.</summary>
    public bool OnPacket(ushort seq, uint rtpTimestamp, long arrivalMs)
    {
        if (!_started)
        {
            if (_probation == 0 && _minSequential <= 1) { Init(seq); }
            else
            {
                // A.1 probation: MIN_SEQUENTIAL packets in sequence make the source valid.
                if (_probation == 0) { _probation = _minSequential - 1; _maxSeq = seq; PacketsDiscarded++; return false; }
                if (seq == (ushort)(_maxSeq + 1))
                {
                    _maxSeq = seq;
                    if (--_probation > 0) { PacketsDiscarded++; return false; }
                    Init(seq);
                }
                else { _probation = _minSequential - 1; _maxSeq = seq; PacketsDiscarded++; return false; }
            }
            PacketsReceived++;
            UpdateJitter(rtpTimestamp, arrivalMs);
            return true;
        }

        ushort udelta = (ushort)(seq - _maxSeq);
        bool inOrder = false;
        if (udelta == 0)
        {
            PacketsOutOfOrder++; // duplicate of the highest
        }
        else if (udelta < MaxDropout)
        {
            if (seq < _maxSeq) _cycles += SeqMod; // wrapped
            _maxSeq = seq;
            inOrder = true;
        }
        else if (udelta <= SeqMod - MaxMisorder)
        {
            // A very large jump: accept only if the next packet follows it (the source restarted).
            if (seq == _badSeq)
            {
                Init(seq);
                inOrder = true;
                _hasTransit = false;
            }
            else
            {
                _badSeq = (uint)((seq + 1) & (SeqMod - 1));
                PacketsDiscarded++;
                return false;
            }
        }
        else
        {
            PacketsOutOfOrder++; // misordered or duplicate
        }
        PacketsReceived++;
        if (inOrder) UpdateJitter(rtpTimestamp, arrivalMs);
        return true;
    }

    private void Init(ushort seq)
    {
        _started = true;
        _baseSeq = seq;
        _maxSeq = seq;
        _badSeq = SeqMod + 1;
        _cycles = 0;
        PacketsReceived = 0;
        _receivedPrior = 0;
        _expectedPrior = 0;
    }

    // RFC 3550 A.8, only for in-order packets of a new frame (retransmissions and packets of the same frame would
    // otherwise count the send pacing as jitter; libwebrtc does the same).
    private void UpdateJitter(uint rtpTimestamp, long arrivalMs)
    {
        if (_hasTransit && rtpTimestamp == _lastJitterTimestamp) return;
        long arrival = arrivalMs * _clockRate / 1000;
        long transit = (uint)arrival - (long)rtpTimestamp;
        if (_hasTransit)
        {
            long d = (int)(transit - _lastTransit); // timestamps wrap at 32 bits
            if (d < 0) d = -d;
            _jitterQ4 += d - ((_jitterQ4 + 8) >> 4);
        }
        _lastTransit = transit;
        _lastJitterTimestamp = rtpTimestamp;
        _hasTransit = true;
    }

    /// <summary>Records an SR from this source for LSR/DLSR (RFC 3550 §6.4.1).</summary>
    public void OnSenderReport(ulong ntpTimestamp, long arrivalMs)
    {
        _lastSrMiddle = NtpTime.Middle32(ntpTimestamp);
        _lastSrArrivalMs = arrivalMs;
    }

    /// <summary>
    /// The report block for this source at <paramref name="nowMs"/>; fraction lost covers the interval since the
    /// previous call (A.3), so call it once per report sent.
    /// </summary>
    public ReportBlock CreateReportBlock(long nowMs)
    {
        long expected = Expected;
        long expectedInterval = expected - _expectedPrior;
        long receivedInterval = PacketsReceived - _receivedPrior;
        _expectedPrior = expected;
        _receivedPrior = PacketsReceived;
        long lostInterval = expectedInterval - receivedInterval;
        byte fraction = expectedInterval == 0 || lostInterval <= 0 ? (byte)0 : (byte)Math.Min(255, (lostInterval << 8) / expectedInterval);
        uint dlsr = 0;
        if (_lastSrArrivalMs >= 0 && nowMs >= _lastSrArrivalMs)
            dlsr = (uint)Math.Min(uint.MaxValue, (nowMs - _lastSrArrivalMs) * 65536 / 1000);
        return new ReportBlock(Ssrc, fraction, (int)Math.Clamp(CumulativeLost, -0x80_0000, 0x7F_FFFF),
            ExtendedHighestSequence, Jitter, _lastSrArrivalMs >= 0 ? _lastSrMiddle : 0, dlsr);
    }
}
