namespace WebRtcBridge.WebRtc.Dtls;

/// <summary>The only exception type the DTLS layer throws (setup errors, bad arguments); receive paths never throw.</summary>
public sealed class DtlsException : Exception
{
    public DtlsException(string message) : base(message) { }

    public DtlsException(string message, Exception inner) : base(message, inner) { }
}
