namespace WebRtcBridge.WebRtc.Dtls;

/// <summary>Life cycle of a <see cref="DtlsTransport"/>. Connected, Closed and Failed are reached at most once each.</summary>
public enum DtlsState
{
    /// <summary>Created; <see cref="DtlsTransport.Start"/> not called yet.</summary>
    New,

    /// <summary>Handshake in progress.</summary>
    Connecting,

    /// <summary>Handshake done, fingerprint verified, SRTP keys exported.</summary>
    Connected,

    /// <summary>close_notify sent or received (or disposed).</summary>
    Closed,

    /// <summary>Handshake error, fatal alert, fingerprint mismatch or handshake timeout; see <see cref="DtlsTransport.FailureReason"/>.</summary>
    Failed,
}
