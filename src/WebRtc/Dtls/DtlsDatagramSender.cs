namespace WebRtcBridge.WebRtc.Dtls;

/// <summary>
/// Sends one outgoing DTLS datagram (whole records, at most the MTU). Called outside the transport's lock; the span is
/// only valid during the call. Exceptions are caught and counted in <see cref="DtlsTransport.SendFailures"/>.
/// </summary>
public delegate void DtlsDatagramSender(ReadOnlySpan<byte> datagram);
