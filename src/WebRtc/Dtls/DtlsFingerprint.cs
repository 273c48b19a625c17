using System.Security.Cryptography;

namespace WebRtcBridge.WebRtc.Dtls;

/// <summary>
/// A certificate fingerprint as in SDP <c>a=fingerprint:sha-256 AB:CD:...</c> (RFC 8122 §5): a lowercase hash name and
/// uppercase colon-separated hex. Comparison is case-insensitive on both parts.
/// </summary>
public sealed class DtlsFingerprint : IEquatable<DtlsFingerprint>
{
    private DtlsFingerprint(string algorithm, string value)
    {
        Algorithm = algorithm;
        Value = value;
    }

    /// <summary>Hash function name, lowercase: sha-1, sha-256, sha-384 or sha-512.</summary>
    public string Algorithm { get; }

    /// <summary>Uppercase hex bytes joined by ':'.</summary>
    public string Value { get; }

    /// <summary>Hash functions we accept from a peer's description: sha-256, sha-384, sha-512 (not sha-1).</summary>
    public static bool IsStrongAlgorithm(string algorithm) => HashSize(algorithm) >= 32;

    /// <summary>Hash functions we can verify (RFC 8122 §5 names).</summary>
    public static bool IsSupportedAlgorithm(string algorithm) => HashSize(algorithm) > 0;

    /// <summary>Fingerprint of a DER certificate with the given hash (default sha-256).</summary>
    public static DtlsFingerprint FromDer(ReadOnlySpan<byte> der, string algorithm = "sha-256")
    {
        algorithm = algorithm.ToLowerInvariant();
        Span<byte> hash = stackalloc byte[64];
        int n = algorithm switch
        {
            "sha-1" => SHA1.HashData(der, hash),
            "sha-256" => SHA256.HashData(der, hash),
            "sha-384" => SHA384.HashData(der, hash),
            "sha-512" => SHA512.HashData(der, hash),
            _ => throw new DtlsException($"unsupported fingerprint hash '{algorithm}'"),
        };
        return FromHash(algorithm, hash[..n]);
    }

    /// <summary>Builds a fingerprint from raw hash bytes.</summary>
    public static DtlsFingerprint FromHash(string algorithm, ReadOnlySpan<byte> hash)
    {
        algorithm = algorithm.ToLowerInvariant();
        if (HashSize(algorithm) != hash.Length)
            throw new DtlsException($"a {algorithm} fingerprint needs {HashSize(algorithm)} bytes, got {hash.Length}");
        return new DtlsFingerprint(algorithm, FormatHex(hash));
    }

    /// <summary>Parses an SDP fingerprint value "sha-256 AB:CD:..." (hash name, one or more spaces, hex pairs).</summary>
    public static bool TryParse(string? text, out DtlsFingerprint? fingerprint)
    {
        fingerprint = null;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var trimmed = text.Trim();
        int space = trimmed.IndexOf(' ');
        if (space <= 0) return false;
        var algorithm = trimmed[..space].ToLowerInvariant();
        var hex = trimmed[(space + 1)..].Trim();
        int size = HashSize(algorithm);
        if (size == 0 || hex.Length != size * 3 - 1) return false;
        for (int i = 0; i < hex.Length; i++)
        {
            bool ok = i % 3 == 2 ? hex[i] == ':' : char.IsAsciiHexDigit(hex[i]);
            if (!ok) return false;
        }
        fingerprint = new DtlsFingerprint(algorithm, hex.ToUpperInvariant());
        return true;
    }

    /// <summary>Like <see cref="TryParse"/> but throws <see cref="DtlsException"/>.</summary>
    public static DtlsFingerprint Parse(string text)
        => TryParse(text, out var fp) ? fp! : throw new DtlsException($"invalid DTLS fingerprint '{text}'");

    /// <summary>Case-insensitive comparison of algorithm and value.</summary>
    public bool Equals(DtlsFingerprint? other)
        => other is not null
           && string.Equals(Algorithm, other.Algorithm, StringComparison.OrdinalIgnoreCase)
           && string.Equals(Value, other.Value, StringComparison.OrdinalIgnoreCase);

    public override bool Equals(object? obj) => Equals(obj as DtlsFingerprint);

    public override int GetHashCode()
        => HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(Algorithm), StringComparer.OrdinalIgnoreCase.GetHashCode(Value));

    /// <summary>The SDP form: "sha-256 AB:CD:...".</summary>
    public override string ToString() => $"{Algorithm} {Value}";

    internal static int HashSize(string algorithm) => algorithm.ToLowerInvariant() switch
    {
        "sha-1" => 20,
        "sha-256" => 32,
        "sha-384" => 48,
        "sha-512" => 64,
        _ => 0,
    };

    private static string FormatHex(ReadOnlySpan<byte> hash)
    {
        const string digits = "0123456789ABCDEF";
        return string.Create(hash.Length * 3 - 1, hash.ToArray(), static (chars, bytes) =>
        {
            for (int i = 0; i < bytes.Length; i++)
            {
                int at = i * 3;
                chars[at] = digits[bytes[i] >> 4];
                chars[at + 1] = digits[bytes[i] & 0xF];
                if (at + 2 < chars.Length) chars[at + 2] = ':';
            }
        });
    }
}
