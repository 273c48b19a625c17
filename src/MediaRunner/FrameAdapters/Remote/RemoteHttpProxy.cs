using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using WebRtcBridge.MediaRunner.Apps;
using WebRtcBridge.Protocol.Binding;
using WebRtcBridge.Protocol.MsgPack;

namespace WebRtcBridge.MediaRunner.FrameAdapters.Remote;

/// <summary>
/// The remote app on this server's HTTP <c>POST</c>: the input goes as msgpack to the upstream app's HTTP endpoint
/// (the realtime URL without its last segment, http(s) for ws(s)) with <c>Authorization: Key</c>; a 422 becomes a
/// validation error here, any other failure an internal one. Bounded by the message limit and the step timeout.
/// </summary>
public sealed class RemoteHttpProxy(RemoteAppOptions options, HttpClient http, MsgPackLimits limits)
{
    public Uri Target { get; } = HttpUrlOf(new Uri(options.Url));

    /// <summary><c>wss://host/owner/alias/realtime</c> → <c>https://host/owner/alias</c>.</summary>
    public static Uri HttpUrlOf(Uri realtimeUrl)
    {
        var path = realtimeUrl.AbsolutePath.TrimEnd('/');
        var cut = path.LastIndexOf('/');
        var builder = new UriBuilder(realtimeUrl)
        {
            Scheme = realtimeUrl.Scheme == "wss" ? "https" : "http",
            Path = cut > 0 ? path[..cut] : path,
            Query = "",
        };
        return builder.Uri;
    }

    public async ValueTask<MsgValue> PostAsync(MsgValue input, RealtimeCallContext context, CancellationToken ct)
    {
        var body = new ArrayBufferWriter<byte>(4096);
        MsgPackSerializer.Encode(input, body);
        using var request = new HttpRequestMessage(HttpMethod.Post, Target) { Content = new ReadOnlyMemoryContent(body.WrittenMemory) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/msgpack");
        if (options.EffectiveKey is { } key) request.Headers.TryAddWithoutValidation("Authorization", "Key " + key);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.StepTimeoutSeconds));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        if (response.Content.Headers.ContentLength > limits.MaxMessageSize)
            throw new InvalidOperationException($"upstream answer exceeds {limits.MaxMessageSize} bytes");
        var bytes = await ReadBoundedAsync(response.Content, limits.MaxMessageSize, timeout.Token).ConfigureAwait(false);
        var isMsgPack = response.Content.Headers.ContentType?.MediaType?.Contains("msgpack") == true;
        if (response.IsSuccessStatusCode)
            return isMsgPack ? MsgPackSerializer.Decode(bytes, limits) : JsonMapping.FromJson(bytes, limits);
        var detail = System.Text.Encoding.UTF8.GetString(bytes);
        if ((int)response.StatusCode == 422)
        {
            var field = "body";
            try
            {
                using var doc = JsonDocument.Parse(bytes);
                var loc = doc.RootElement.GetProperty("detail")[0].GetProperty("loc");
                field = loc[loc.GetArrayLength() - 1].GetString() ?? field;
                detail = doc.RootElement.GetProperty("detail")[0].GetProperty("msg").GetString() ?? detail;
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException) { }
            throw new InputValidationException(field, detail);
        }
        throw new InvalidOperationException($"upstream {Target} answered {(int)response.StatusCode}: {(detail.Length > 300 ? detail[..300] : detail)}");
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpContent content, int limit, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int n;
        while ((n = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, n);
            if (buffer.Length > limit) throw new InvalidOperationException($"upstream answer exceeds {limit} bytes");
        }
        return buffer.ToArray();
    }
}
