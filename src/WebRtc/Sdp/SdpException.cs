namespace WebRtcBridge.WebRtc.Sdp;

/// <summary>
/// The one exception type of the SDP parser: malformed or oversized SDP (RFC 8866). <see cref="LineNumber"/> is
/// 1-based, or 0 when the problem is not tied to one line.
/// </summary>
public class SdpException : Exception
{
    /// <summary>Creates an error for <paramref name="lineNumber"/> (0 = whole description).</summary>
    public SdpException(string message, int lineNumber = 0)
        : base(lineNumber > 0 ? $"SDP line {lineNumber}: {message}" : message)
    {
        LineNumber = lineNumber;
        Reason = message;
    }

    /// <summary>1-based line number of the offending line, 0 when not line-specific.</summary>
    public int LineNumber { get; }

    /// <summary>The message without the line prefix.</summary>
    public string Reason { get; }
}

/// <summary>
/// A well-formed offer or answer that we cannot negotiate with; the message names what is missing, e.g.
/// "no VP8 codec in the offer", "offer lacks a=rtcp-mux", "offer lacks a DTLS fingerprint", "no video m-line".
/// </summary>
public sealed class SdpNegotiationException : SdpException
{
    /// <summary>Creates a negotiation error.</summary>
    public SdpNegotiationException(string message) : base(message) { }
}
