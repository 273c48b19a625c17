using System.Security.Cryptography;

namespace WebRtcBridge.WebRtc.Ice;

/// <summary>Random ICE credentials and tie-breakers (RFC 8445 §5.3, RFC 8839 §5.4).</summary>
public static class IceCredentials
{
    /// <summary>The ice-char alphabet: ALPHA / DIGIT / "+" / "/" (RFC 8839 §5.4).</summary>
    public const string IceChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// <summary>Length of generated ufrags: at least 24 bits of randomness (4 chars minimum; we use 8).</summary>
    public const int UfragLength = 8;

    /// <summary>Length of generated passwords: at least 128 bits of randomness (22 chars minimum; we use 24).</summary>
    public const int PwdLength = 24;

    /// <summary>A new random ufrag.</summary>
    public static string NewUfrag() => RandomString(UfragLength);

    /// <summary>A new random password.</summary>
    public static string NewPwd() => RandomString(PwdLength);

    /// <summary>A new random 64-bit tie-breaker (RFC 8445 §6.1.1).</summary>
    public static ulong NewTieBreaker()
    {
        Span<byte> b = stackalloc byte[8];
        RandomNumberGenerator.Fill(b);
        return BitConverter.ToUInt64(b);
    }

    /// <summary>True when <paramref name="s"/> has 1..256 ice-chars (and at least <paramref name="minLength"/>).</summary>
    public static bool IsValid(string? s, int minLength)
    {
        if (s is null || s.Length < minLength || s.Length > 256) return false;
        foreach (char c in s)
            if (IceChars.IndexOf(c) < 0) return false;
        return true;
    }

    private static string RandomString(int length) => RandomNumberGenerator.GetString(IceChars, length);
}
