using WebRtcBridge.WebRtc.Srtp;

namespace WebRtcBridge.WebRtc.Dtls;

/// <summary>Settings of one <see cref="DtlsTransport"/>.</summary>
public sealed class DtlsTransportOptions
{
    /// <summary>Our handshake role, from SDP <c>a=setup</c>.</summary>
    public required DtlsRole Role { get; init; }

    /// <summary>The peer's <c>a=fingerprint</c> from its SDP; the peer certificate must match it.</summary>
    public required DtlsFingerprint RemoteFingerprint { get; init; }

    /// <summary>Our certificate; null means <see cref="DtlsCertificate.Default"/>.</summary>
    public DtlsCertificate? Certificate { get; init; }

    /// <summary>SRTP profiles offered (client) or accepted in preference order (server). Default: GCM, then AES-CM-80.</summary>
    public IReadOnlyList<SrtpProtectionProfile> SrtpProfiles { get; init; } = DtlsSrtpProfiles.Default;

    /// <summary>Largest record and datagram we send, in bytes (256..16384). Default 1200 (safe through tunnels).</summary>
    public int Mtu { get; init; } = 1200;

    /// <summary>The transport fails with "DTLS handshake timed out" when the handshake is not done this long after
    /// <see cref="DtlsTransport.Start"/>. Default 15 s.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>First retransmission timeout; doubles per retransmission up to 4 s (RFC 6347 §4.2.4.1). Default 100 ms, as mediasoup.</summary>
    public TimeSpan InitialRetransmitTimeout { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>When true the transport runs its own timer (from <see cref="TimeProvider"/>) and calls
    /// <see cref="DtlsTransport.HandleTimeout"/> itself. When false the owner polls <see cref="DtlsTransport.GetTimeout"/>.</summary>
    public bool AutoTimer { get; init; } = true;

    /// <summary>Clock for the handshake deadline and the automatic timer. OpenSSL's retransmission timer always uses the
    /// real clock.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Test hook: a per-session OpenSSL cipher list (e.g. a long one, to make the ClientHello exceed a small MTU).</summary>
    internal string? CipherListOverride { get; init; }
}
