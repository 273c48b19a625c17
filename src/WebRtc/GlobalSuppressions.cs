using System.Diagnostics.CodeAnalysis;

// Analyzer findings kept on purpose (see docs/architecture.md#build-guardrails). One line each, with the reason.

[assembly: SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms",
    Justification = "STUN MESSAGE-INTEGRITY is HMAC-SHA1 by definition (RFC 8489 §14.5)",
    Scope = "member", Target = "~M:WebRtcBridge.WebRtc.Ice.StunMessage.VerifyMessageIntegrity(System.ReadOnlySpan{System.Byte})~System.Boolean")]
[assembly: SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms",
    Justification = "STUN MESSAGE-INTEGRITY is HMAC-SHA1 by definition (RFC 8489 §14.5)",
    Scope = "member", Target = "~M:WebRtcBridge.WebRtc.Ice.StunMessageWriter.AddMessageIntegrity(System.ReadOnlySpan{System.Byte})")]
[assembly: SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms",
    Justification = "computes a peer's sha-1 certificate fingerprint (RFC 8122 §5) to compare, not to sign",
    Scope = "member", Target = "~M:WebRtcBridge.WebRtc.Dtls.DtlsFingerprint.FromDer(System.ReadOnlySpan{System.Byte},System.String)~WebRtcBridge.WebRtc.Dtls.DtlsFingerprint")]
[assembly: SuppressMessage("Naming", "CA1707:Identifiers should not contain underscores",
    Justification = "public name mirrors the RFC 5764 profile SRTP_AES128_CM_HMAC_SHA1_80",
    Scope = "member", Target = "~F:WebRtcBridge.WebRtc.Srtp.SrtpProtectionProfile.AesCm128HmacSha1_80")]
