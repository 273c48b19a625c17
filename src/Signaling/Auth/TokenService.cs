using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace WebRtcBridge.Signaling.Auth;

/// <summary>
/// Issues and validates the temporary tokens of <c>POST /tokens/</c> (docs/protocols.md#auth-and-tokens): HS256 JWTs with
/// the key id as subject and the allowed app aliases as <c>allowed_apps</c>.
/// </summary>
public sealed class TokenService
{
    private const string Issuer = "webrtcbridge";
    private const string AllowedAppsClaim = "allowed_apps";

    /// <summary>Shortest configured <c>Auth:SigningKey</c> accepted (HS256 wants a key as long as its hash, RFC 7518 §3.2).</summary>
    public const int MinSigningKeyBytes = 32;

    private readonly JsonWebTokenHandler _handler = new();
    private readonly SymmetricSecurityKey _key;
    private readonly TokenValidationParameters _validation;

    public TokenService(IOptions<AuthOptions> options)
    {
        var configured = options.Value.SigningKey;
        if (!string.IsNullOrEmpty(configured) && Encoding.UTF8.GetByteCount(configured) < MinSigningKeyBytes)
            throw new InvalidOperationException(
                $"Auth:SigningKey must be at least {MinSigningKeyBytes} bytes of random text (e.g. `openssl rand -base64 32`).");
        var keyBytes = string.IsNullOrEmpty(configured)
            ? RandomNumberGenerator.GetBytes(32)
            : SHA256.HashData(Encoding.UTF8.GetBytes(configured));
        _key = new SymmetricSecurityKey(keyBytes);
        MaxLifetime = TimeSpan.FromSeconds(options.Value.MaxTokenSeconds);
        _validation = new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = Issuer,
            IssuerSigningKey = _key,
            // Only the algorithm we sign with: no "none", no RS/HS confusion (RFC 8725 §3.1).
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidateLifetime = true,
            ClockSkew = TimeSpan.FromSeconds(5),
        };
    }

    public TimeSpan MaxLifetime { get; }

    public string Issue(string keyId, IReadOnlyCollection<string> allowedApps, TimeSpan lifetime)
    {
        if (lifetime <= TimeSpan.Zero || lifetime > MaxLifetime)
            throw new ArgumentOutOfRangeException(nameof(lifetime), $"token_expiration must be 1..{(int)MaxLifetime.TotalSeconds} seconds");
        var now = DateTime.UtcNow;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Issuer,
            Subject = new ClaimsIdentity([new Claim("sub", keyId)]),
            Claims = new Dictionary<string, object> { [AllowedAppsClaim] = allowedApps.ToArray() },
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>Validates algorithm, signature and lifetime; gives the allowed app aliases (empty: no app) and the
    /// subject (the key id the token was issued to).</summary>
    public async Task<(bool Valid, IReadOnlyList<string> AllowedApps, string? Subject, string? Error)> ValidateAsync(string token)
    {
        var result = await _handler.ValidateTokenAsync(token, _validation).ConfigureAwait(false);
        if (!result.IsValid) return (false, [], null, result.Exception?.GetType().Name ?? "invalid token");
        var apps = new List<string>();
        string? subject = null;
        if (result.SecurityToken is JsonWebToken jwt)
        {
            foreach (var claim in jwt.Claims)
            {
                if (claim.Type == AllowedAppsClaim) apps.Add(claim.Value);
                else if (claim.Type == "sub") subject = claim.Value;
            }
        }
        return (true, apps, subject, null);
    }
}
