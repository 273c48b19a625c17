using WebRtcBridge.WebRtc.Rtp.Rtcp;

namespace WebRtcBridge.WebRtc.Rtp;

/// <summary>
/// <see cref="StreamReceiveStatistics"/> for every received SSRC, bounded by <see cref="MaxStreams"/> (new SSRCs
/// beyond it are not tracked and counted in <see cref="UntrackedPackets"/>).
/// </summary>
public sealed class ReceiveStatistics
{
    private readonly Dictionary<uint, StreamReceiveStatistics> _streams;
    private readonly int _clockRate;
    private readonly int _minSequential;

    /// <summary>Creates the registry.</summary>
    public ReceiveStatistics(int clockRate = 90000, int maxStreams = 16, int minSequential = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxStreams, 1);
        _clockRate = clockRate;
        _minSequential = minSequential;
        MaxStreams = maxStreams;
        _streams = new Dictionary<uint, StreamReceiveStatistics>(maxStreams);
    }

    /// <summary>Most SSRCs tracked.</summary>
    public int MaxStreams { get; }

    /// <summary>Number of SSRCs tracked.</summary>
    public int Count => _streams.Count;

    /// <summary>Packets of SSRCs that did not fit.</summary>
    public long UntrackedPackets { get; private set; }

    /// <summary>Counts a received RTP packet; returns the stream, or null if the table is full.</summary>
    public StreamReceiveStatistics? OnPacket(uint ssrc, ushort seq, uint rtpTimestamp, long arrivalMs)
    {
        if (!_streams.TryGetValue(ssrc, out var s))
        {
            if (_streams.Count >= MaxStreams) { UntrackedPackets++; return null; }
            s = new StreamReceiveStatistics(ssrc, _clockRate, _minSequential);
            _streams.Add(ssrc, s);
        }
        s.OnPacket(seq, rtpTimestamp, arrivalMs);
        return s;
    }

    /// <summary>Records an SR from <paramref name="ssrc"/> (ignored if that SSRC is not tracked).</summary>
    public void OnSenderReport(uint ssrc, ulong ntpTimestamp, long arrivalMs)
    {
        if (_streams.TryGetValue(ssrc, out var s)) s.OnSenderReport(ntpTimestamp, arrivalMs);
    }

    /// <summary>Looks up a stream.</summary>
    public bool TryGet(uint ssrc, out StreamReceiveStatistics stream) => _streams.TryGetValue(ssrc, out stream!);

    /// <summary>Removes a stream (after BYE).</summary>
    public bool Remove(uint ssrc) => _streams.Remove(ssrc);

    /// <summary>Fills <paramref name="destination"/> with a report block per stream (at most its length, and 31 per RR); returns the count.</summary>
    public int CreateReportBlocks(long nowMs, Span<ReportBlock> destination)
    {
        int n = 0;
        foreach (var s in _streams.Values)
        {
            if (n == destination.Length || n == 31) break;
            destination[n++] = s.CreateReportBlock(nowMs);
        }
        return n;
    }
}
