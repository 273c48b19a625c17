namespace WebRtcBridge.WebRtc.Ice;

/// <summary>Candidate types (RFC 8445 §5.1.1, RFC 8839 §5.1).</summary>
public enum IceCandidateType
{
    /// <summary>A local interface address.</summary>
    Host,
    /// <summary>Server reflexive (learned from a STUN server).</summary>
    ServerReflexive,
    /// <summary>Peer reflexive (learned from a check).</summary>
    PeerReflexive,
    /// <summary>Relayed (TURN).</summary>
    Relay,
}
