using WebRtcBridge.WebRtc.Ice;

namespace WebRtcBridge.WebRtc.Sdp;

/// <summary>What an offer/answer exchange agreed for the single bundled VP8 video m-line.</summary>
public sealed record NegotiatedVideo
{
    /// <summary>VP8 payload type (the offerer's number).</summary>
    public required int PayloadType { get; init; }
    /// <summary>a=mid of the video section, or null when the offer had none.</summary>
    public string? Mid { get; init; }
    /// <summary>Extension id of abs-send-time, or null when not negotiated.</summary>
    public int? AbsSendTimeExtensionId { get; init; }
    /// <summary>Extension id of urn:ietf:params:rtp-hdrext:sdes:mid, or null.</summary>
    public int? SdesMidExtensionId { get; init; }
    /// <summary>Peer's a=ice-ufrag.</summary>
    public required string RemoteIceUfrag { get; init; }
    /// <summary>Peer's a=ice-pwd.</summary>
    public required string RemoteIcePwd { get; init; }
    /// <summary>True when the peer declared a=ice-lite.</summary>
    public bool RemoteIceLite { get; init; }
    /// <summary>Peer's fingerprint hash function, lower-case (e.g. "sha-256").</summary>
    public required string RemoteFingerprintAlgorithm { get; init; }
    /// <summary>Peer's fingerprint, upper-case "AB:CD:...".</summary>
    public required string RemoteFingerprint { get; init; }
    /// <summary>Peer's a=setup.</summary>
    public DtlsSetupRole RemoteSetup { get; init; }
    /// <summary>Our DTLS role: Active = we are the DTLS client, Passive = we are the server.</summary>
    public DtlsSetupRole LocalSetup { get; init; }
    /// <summary>Our direction in the answer (Sends: we send video; Receives: we receive).</summary>
    public SdpDirection LocalDirection { get; init; }
    /// <summary>Peer's media SSRC when signalled (first of a=ssrc-group:FID, else first a=ssrc), and it sends.</summary>
    public uint? RemoteSsrc { get; init; }
    /// <summary>Peer's candidates from the description (unparseable lines skipped).</summary>
    public IReadOnlyList<IceCandidate> RemoteCandidates { get; init; } = [];
    /// <summary>True when the peer sent a=end-of-candidates.</summary>
    public bool RemoteEndOfCandidates { get; init; }
    /// <summary>Generic NACK (RFC 4585) allowed.</summary>
    public bool NackAllowed { get; init; }
    /// <summary>PLI (RFC 4585) allowed.</summary>
    public bool PliAllowed { get; init; }
    /// <summary>FIR (RFC 5104) allowed.</summary>
    public bool FirAllowed { get; init; }
    /// <summary>REMB (goog-remb) allowed.</summary>
    public bool RembAllowed { get; init; }
    /// <summary>Reduced-size RTCP (RFC 5506) allowed.</summary>
    public bool RtcpReducedSize { get; init; }
}
