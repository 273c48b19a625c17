namespace WebRtcBridge.WebRtc.Srtp;

/// <summary>Derived session keys for one direction (RFC 3711 §4.3). Auth keys are empty for AEAD profiles.</summary>
public sealed record SrtpSessionKeys(
    byte[] RtpEncryptionKey, byte[] RtpAuthenticationKey, byte[] RtpSalt,
    byte[] RtcpEncryptionKey, byte[] RtcpAuthenticationKey, byte[] RtcpSalt);
