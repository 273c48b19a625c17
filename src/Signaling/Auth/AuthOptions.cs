namespace WebRtcBridge.Signaling.Auth;

/// <summary>Configuration section <c>Auth</c>.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>API keys, each <c>id:secret</c> as fal's <c>Authorization: Key id:secret</c>. None: the server runs
    /// open (one warning at start).</summary>
    public List<string> Keys { get; set; } = [];

    /// <summary>HMAC key that signs the temporary tokens. Unset: a random key per process (tokens die with it).</summary>
    public string? SigningKey { get; set; }

    /// <summary>Longest lifetime a client may ask of a temporary token.</summary>
    public int MaxTokenSeconds { get; set; } = 3600;
}
