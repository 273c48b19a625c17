namespace WebRtcBridge.WebRtc.Session;

/// <summary>Wall-clock NTP timestamp (RFC 3550 §4) with sub-millisecond resolution, for SR and RTT (LSR/DLSR).</summary>
internal static class NtpClock
{
    private const long UnixEpochTicks = 621_355_968_000_000_000; // DateTime ticks at 1970-01-01

    /// <summary>Now as 32.32 fixed-point seconds since 1900.</summary>
    public static ulong Now()
    {
        long ticks = DateTime.UtcNow.Ticks - UnixEpochTicks; // 100 ns units since 1970
        ulong seconds = (ulong)(ticks / TimeSpan.TicksPerSecond) + (ulong)Rtp.NtpTime.UnixEpochOffsetSeconds;
        ulong fraction = (ulong)(ticks % TimeSpan.TicksPerSecond) * (1UL << 32) / TimeSpan.TicksPerSecond;
        return (seconds << 32) | fraction;
    }
}
