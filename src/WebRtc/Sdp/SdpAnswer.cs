namespace WebRtcBridge.WebRtc.Sdp;

/// <summary>The answer we built and what it negotiated.</summary>
/// <param name="Description">The answer; <c>Description.ToString()</c> is the SDP text.</param>
/// <param name="Negotiated">Parameters for ICE, DTLS and RTP.</param>
public sealed record SdpAnswer(SessionDescription Description, NegotiatedVideo Negotiated)
{
    /// <summary>The answer's SDP text (CRLF).</summary>
    public string Sdp => Description.ToString();
}
