using System.Text;

namespace WebRtcBridge.WebRtc.Native;

/// <summary>The OpenSSL error queue (thread-local): clear it before a call, drain it into text after a failure.</summary>
internal static unsafe class OpenSslErrors
{
    /// <summary>Empties this thread's error queue.</summary>
    internal static void Clear() => OpenSslCrypto.ERR_clear_error();

    /// <summary>Pops every queued error (<c>ERR_get_error</c> + <c>ERR_error_string_n</c>) and joins them with "; ".
    /// Returns <paramref name="fallback"/> when the queue is empty.</summary>
    internal static string Drain(string fallback)
    {
        StringBuilder? text = null;
        byte* buffer = stackalloc byte[256];
        for (int i = 0; i < 16; i++)
        {
            var error = OpenSslCrypto.ERR_get_error();
            if (error.Value == 0) break;
            OpenSslCrypto.ERR_error_string_n(error, buffer, 256);
            text ??= new StringBuilder();
            if (text.Length > 0) text.Append("; ");
            text.Append(new string((sbyte*)buffer));
        }
        OpenSslCrypto.ERR_clear_error();
        return text is null ? fallback : $"{fallback}: {text}";
    }
}
