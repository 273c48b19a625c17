namespace WebRtcBridge.WebRtc.Dtls;

/// <summary>Which end of the DTLS handshake we are (RFC 5763 §5: <c>a=setup:active</c> is the client, <c>passive</c> the server).</summary>
public enum DtlsRole
{
    /// <summary>Sends the ClientHello (SDP <c>a=setup:active</c>).</summary>
    Client,

    /// <summary>Waits for the ClientHello (SDP <c>a=setup:passive</c>); what our answer uses.</summary>
    Server,
}
