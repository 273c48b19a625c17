using System.Security.Cryptography;
using System.Text;
using WebRtcBridge.WebRtc.Ice;

namespace WebRtcBridge.WebRtc.Sdp;

/// <summary>Our side of a negotiation: ICE credentials, DTLS fingerprint, candidates and the outbound video track.</summary>
public sealed record SdpLocalParameters
{
    /// <summary>a=ice-ufrag (4..256 ice-chars).</summary>
    public required string IceUfrag { get; init; }
    /// <summary>a=ice-pwd (22..256 ice-chars).</summary>
    public required string IcePwd { get; init; }
    /// <summary>Fingerprint hash function, "sha-256".</summary>
    public string FingerprintAlgorithm { get; init; } = "sha-256";
    /// <summary>Fingerprint value, upper-case hex pairs separated by ':' (see <see cref="FormatFingerprint"/>).</summary>
    public required string Fingerprint { get; init; }
    /// <summary>Our candidates (all of them: we add a=end-of-candidates).</summary>
    public IReadOnlyList<IceCandidate> Candidates { get; init; } = [];
    /// <summary>True when we send video (sendrecv/sendonly); false answers recvonly and omits msid/ssrc.</summary>
    public bool SendVideo { get; init; } = true;
    /// <summary>Our video SSRC (random non-zero by default).</summary>
    public uint Ssrc { get; init; } = RandomSsrc();
    /// <summary>RTCP CNAME.</summary>
    public string Cname { get; init; } = RandomToken(16);
    /// <summary>msid stream id.</summary>
    public string StreamId { get; init; } = "srvstream";
    /// <summary>msid track id.</summary>
    public string TrackId { get; init; } = "srvtrack";
    /// <summary>o= session id (random 62-bit by default).</summary>
    public ulong SessionId { get; init; } = RandomSessionId();

    /// <summary>"AB:CD:..." from a certificate hash (RFC 8122 §5).</summary>
    public static string FormatFingerprint(ReadOnlySpan<byte> hash)
    {
        var sb = new StringBuilder(hash.Length * 3);
        for (int i = 0; i < hash.Length; i++)
        {
            if (i > 0) sb.Append(':');
            sb.Append(hash[i].ToString("X2"));
        }
        return sb.ToString();
    }

    internal void Validate()
    {
        if (!IceCredentials.IsValid(IceUfrag, 4)) throw new ArgumentException("IceUfrag must be 4..256 ice-chars");
        if (!IceCredentials.IsValid(IcePwd, 22)) throw new ArgumentException("IcePwd must be 22..256 ice-chars");
        if (string.IsNullOrWhiteSpace(Fingerprint) || Fingerprint.Contains(' ')) throw new ArgumentException("Fingerprint must be 'AB:CD:...'");
        if (SendVideo && Ssrc == 0) throw new ArgumentException("Ssrc must be non-zero");
        foreach (var s in new[] { Cname, StreamId, TrackId, FingerprintAlgorithm })
            if (string.IsNullOrEmpty(s) || s.Contains(' ') || s.Contains('\r') || s.Contains('\n')) throw new ArgumentException("cname, stream id, track id and algorithm must be non-empty tokens");
    }

    private static uint RandomSsrc()
    {
        uint v;
        do v = (uint)RandomNumberGenerator.GetInt32(int.MaxValue) * 2u + (uint)RandomNumberGenerator.GetInt32(2);
        while (v == 0);
        return v;
    }

    private static ulong RandomSessionId()
    {
        Span<byte> b = stackalloc byte[8];
        RandomNumberGenerator.Fill(b);
        return BitConverter.ToUInt64(b) >> 2;
    }

    private static string RandomToken(int n) => RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", n);
}
