using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace WebRtcBridge.Signaling.Hosting;

/// <summary>
/// Counts every refusal by a limit (<see cref="BridgeOptions"/>): published as <c>bridge.limits.rejected</c> (tag
/// <c>limit</c>) on the meter <c>WebRtcBridge.Limits</c>, and kept per server for <c>/health</c> and tests.
/// </summary>
public sealed class LimitCounters
{
    public const string HttpRequests = "http_requests";
    public const string TokenRequests = "token_requests";
    public const string SocketsPerClient = "sockets_per_client";
    public const string RealtimeSessions = "realtime_sessions";
    public const string WebRtcSessions = "webrtc_sessions";
    public const string SignalingMessageBytes = "signaling_message_bytes";
    public const string Admission = "admission";

    private static readonly Meter Meter = new("WebRtcBridge.Limits");
    private static readonly Counter<long> Rejected = Meter.CreateCounter<long>("bridge.limits.rejected", description: "requests, sockets or messages refused by a limit");

    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);

    public void Reject(string limit)
    {
        _counts.AddOrUpdate(limit, 1, static (_, n) => n + 1);
        Rejected.Add(1, new KeyValuePair<string, object?>("limit", limit));
    }

    public long this[string limit] => _counts.TryGetValue(limit, out var n) ? n : 0;

    public IReadOnlyDictionary<string, long> Snapshot() => new Dictionary<string, long>(_counts);
}
