namespace WebRtcBridge.WebRtc.Rtp;

/// <summary>
/// What an SR needs about one outgoing stream (RFC 3550 §6.4.1): packet and payload octet counts, and the RTP
/// timestamp that corresponds to "now", extrapolated from the last packet sent at <paramref name="clockRate"/> Hz.
/// </summary>
public sealed class RtpSendStatistics(uint ssrc, int clockRate = 90000)
{
    private uint _lastRtpTimestamp;
    private long _lastSendMs = long.MinValue;

    /// <summary>The SSRC.</summary>
    public uint Ssrc { get; } = ssrc;

    /// <summary>Sender's packet count (wraps at 2^32 as in the SR).</summary>
    public uint PacketCount { get; private set; }

    /// <summary>Sender's payload octet count (excludes headers and padding).</summary>
    public uint OctetCount { get; private set; }

    /// <summary>True once a packet was sent (send SR only after that).</summary>
    public bool HasSent => _lastSendMs != long.MinValue;

    /// <summary>Counts a first transmission (not retransmissions) of a packet with <paramref name="payloadLength"/> payload bytes.</summary>
    public void OnPacketSent(int payloadLength, uint rtpTimestamp, long nowMs)
    {
        PacketCount++;
        OctetCount += (uint)payloadLength;
        _lastRtpTimestamp = rtpTimestamp;
        _lastSendMs = nowMs;
    }

    /// <summary>The RTP timestamp for wallclock <paramref name="nowMs"/> (same clock as <see cref="OnPacketSent"/>).</summary>
    public uint RtpTimestampAt(long nowMs)
        => HasSent ? unchecked(_lastRtpTimestamp + (uint)((nowMs - _lastSendMs) * clockRate / 1000)) : 0;
}
