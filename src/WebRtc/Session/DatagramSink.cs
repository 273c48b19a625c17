namespace WebRtcBridge.WebRtc.Session;

/// <summary>Sends one datagram to the session's selected remote endpoint (must be thread-safe, must not throw).</summary>
internal delegate void DatagramSink(ReadOnlySpan<byte> datagram);
