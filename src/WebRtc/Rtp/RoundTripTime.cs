using WebRtcBridge.WebRtc.Rtp.Rtcp;

namespace WebRtcBridge.WebRtc.Rtp;

/// <summary>RTT from a report block about our stream (RFC 3550 §6.4.1): RTT = A − LSR − DLSR, in 1/65536 s.</summary>
public static class RoundTripTime
{
    /// <summary>
    /// Computes the RTT in milliseconds from <paramref name="block"/> received at NTP time <paramref name="arrivalNtp"/>.
    /// False when the block carries no LSR (the peer has not received an SR yet) or the result is negative.
    /// </summary>
    public static bool TryCompute(in ReportBlock block, ulong arrivalNtp, out double rttMs)
    {
        rttMs = 0;
        if (block.LastSenderReport == 0) return false;
        uint a = NtpTime.Middle32(arrivalNtp);
        int rtt = (int)(a - block.LastSenderReport - block.DelaySinceLastSenderReport); // 16.16, wraps with the clock
        if (rtt < 0) return false;
        rttMs = rtt * 1000.0 / 65536;
        return true;
    }
}
