namespace WebRtcBridge.WebRtc.Transport;

/// <summary>
/// Test hook on a <see cref="UdpTransport"/>: sees every datagram (outgoing before the send, incoming before any
/// handling) and returns true to drop it. Used to simulate loss and a vanished peer, or to tap traffic.
/// </summary>
public delegate bool DatagramFilter(ReadOnlySpan<byte> datagram, bool outgoing);
