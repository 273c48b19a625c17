namespace WebRtcBridge.WebRtc.Rtp;

/// <summary>
/// abs-send-time header extension (http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time): 3 bytes, 6.18
/// fixed-point seconds, i.e. bits 14..37 of the 64-bit NTP time.
/// </summary>
public static class AbsSendTime
{
    /// <summary>The 24-bit value for a time in milliseconds (any epoch; only the low 64 seconds matter).</summary>
    public static uint FromMilliseconds(long milliseconds) => (uint)(((milliseconds << 18) / 1000) & 0xFFFFFF);

    /// <summary>Writes the 3-byte big-endian value.</summary>
    public static void Write(Span<byte> destination, uint value)
    {
        destination[0] = (byte)(value >> 16);
        destination[1] = (byte)(value >> 8);
        destination[2] = (byte)value;
    }

    /// <summary>Reads the 3-byte value; false unless exactly 3 bytes.</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out uint value)
    {
        value = 0;
        if (data.Length != 3) return false;
        value = (uint)(data[0] << 16 | data[1] << 8 | data[2]);
        return true;
    }
}
