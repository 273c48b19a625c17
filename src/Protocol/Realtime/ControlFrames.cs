using System.Text.Json;

namespace WebRtcBridge.Protocol.Realtime;

/// <summary>
/// The server's control frames. They always travel as text JSON, whatever the endpoint's result encoding, because
/// fal's Python client only checks text frames for errors (docs/protocols.md#realtime-messages).
/// </summary>
public static class ControlFrames
{
    /// <summary>Sent before closing with 1008 when the handshake's token is missing or wrong (docs/protocols.md#auth-and-tokens).</summary>
    public static readonly string Unauthorized = """{"status":"error","error":"Unauthorized"}""";

    /// <summary>The normal end of a session (docs/protocols.md#realtime-messages), followed by close 1000.</summary>
    public static readonly string Timeout = Error(RealtimeErrorCodes.Timeout, RealtimeErrorCodes.TimeoutReason);

    /// <summary><c>{"type":"x-fal-error","error":code,"reason":reason[,"field":field]}</c>.</summary>
    public static string Error(string code, string reason, string? field = null)
    {
        using var buffer = new MemoryStream(128);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", "x-fal-error");
            w.WriteString("error", code);
            w.WriteString("reason", reason);
            if (field is not null) w.WriteString("field", field);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary><c>{"type":"x-fal-message","action":"timings","timing":seconds}</c> (docs/protocols.md#realtime-messages).</summary>
    public static string Timings(double seconds)
        => "{\"type\":\"x-fal-message\",\"action\":\"timings\",\"timing\":" +
           seconds.ToString("0.######", System.Globalization.CultureInfo.InvariantCulture) + "}";
}
