namespace WebRtcBridge.WebRtc.Rtp;

/// <summary>64-bit NTP timestamps (RFC 3550 §4) as used by SR, LSR and DLSR.</summary>
public static class NtpTime
{
    /// <summary>Seconds from 1900-01-01 to 1970-01-01.</summary>
    public const long UnixEpochOffsetSeconds = 2_208_988_800;

    /// <summary>NTP time (32.32 fixed point) for milliseconds since the Unix epoch.</summary>
    public static ulong FromUnixMilliseconds(long unixMs)
    {
        long seconds = Math.DivRem(unixMs, 1000, out long ms) + UnixEpochOffsetSeconds;
        return ((ulong)seconds << 32) | (ulong)((ms << 32) / 1000);
    }

    /// <summary>Milliseconds since the Unix epoch for an NTP time.</summary>
    public static long ToUnixMilliseconds(ulong ntp)
        => ((long)(ntp >> 32) - UnixEpochOffsetSeconds) * 1000 + (long)(((ntp & 0xFFFF_FFFF) * 1000 + 0x8000_0000) >> 32);

    /// <summary>The middle 32 bits (16.16 seconds), the form of LSR in report blocks (RFC 3550 §6.4.1).</summary>
    public static uint Middle32(ulong ntp) => (uint)(ntp >> 16);
}
