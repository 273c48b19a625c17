namespace WebRtcBridge.WebRtc;

/// <summary>W3C RTCPeerConnectionState, as far as one bundled video transport has it.</summary>
public enum PeerConnectionState
{
    /// <summary>Created; no description applied yet.</summary>
    New,
    /// <summary>ICE and/or DTLS in progress.</summary>
    Connecting,
    /// <summary>DTLS connected, SRTP keys in place: media flows.</summary>
    Connected,
    /// <summary>The peer closed (DTLS close_notify).</summary>
    Disconnected,
    /// <summary>ICE or DTLS failed (see <see cref="PeerConnection.FailureReason"/>).</summary>
    Failed,
    /// <summary>Closed locally; everything freed.</summary>
    Closed,
}
