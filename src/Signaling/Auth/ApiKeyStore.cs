using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace WebRtcBridge.Signaling.Auth;

/// <summary>The configured API keys (<c>id:secret</c>); secrets compared in constant time.</summary>
public sealed class ApiKeyStore
{
    private readonly Dictionary<string, byte[]> _secrets = new(StringComparer.Ordinal);

    public ApiKeyStore(IOptions<AuthOptions> options)
    {
        foreach (var key in options.Value.Keys)
        {
            var colon = key.IndexOf(':');
            if (colon <= 0 || colon == key.Length - 1)
                throw new InvalidOperationException("Auth:Keys entries must look like 'id:secret'.");
            _secrets[key[..colon]] = Encoding.UTF8.GetBytes(key[(colon + 1)..]);
        }
    }

    /// <summary>No keys configured: every request is allowed.</summary>
    public bool IsOpen => _secrets.Count == 0;

    /// <summary>Checks <c>id:secret</c>; returns the key id when it matches.</summary>
    public bool TryValidate(string credentials, out string keyId)
    {
        keyId = "";
        var colon = credentials.IndexOf(':');
        if (colon <= 0) return false;
        var id = credentials[..colon];
        if (!_secrets.TryGetValue(id, out var expected)) return false;
        var given = Encoding.UTF8.GetBytes(credentials[(colon + 1)..]);
        if (!CryptographicOperations.FixedTimeEquals(given, expected)) return false;
        keyId = id;
        return true;
    }
}
