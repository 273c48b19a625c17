using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using WebRtcBridge.Signaling.Hosting;

namespace WebRtcBridge.Signaling.Endpoints;

/// <summary>
/// Server-wide and per-client socket limits, on ASP.NET Core's rate limiters (System.Threading.RateLimiting):
/// concurrent WebRTC sessions (<c>Bridge:MaxSessions</c>), concurrent realtime sessions
/// (<c>Bridge:MaxRealtimeSessions</c>) and concurrent WebSockets per client (<c>Bridge:MaxSocketsPerClient</c>). No
/// queueing: a socket over a limit is refused at once.
/// </summary>
public sealed class SocketLimiter : IDisposable
{
    private readonly ConcurrencyLimiter _webrtc;
    private readonly ConcurrencyLimiter _realtime;
    private readonly PartitionedRateLimiter<string> _perClient;

    public SocketLimiter(IOptions<BridgeOptions> options)
    {
        var o = options.Value;
        Limit = o.MaxSessions;
        RealtimeLimit = o.MaxRealtimeSessions;
        PerClientLimit = o.MaxSocketsPerClient;
        _webrtc = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = Limit, QueueLimit = 0 });
        _realtime = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = RealtimeLimit, QueueLimit = 0 });
        _perClient = PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetConcurrencyLimiter(client,
            _ => new ConcurrencyLimiterOptions { PermitLimit = PerClientLimit, QueueLimit = 0 }));
    }

    public int Limit { get; }
    public int RealtimeLimit { get; }
    public int PerClientLimit { get; }

    /// <summary>Live WebRTC sessions.</summary>
    public int Active => Limit - (int)(_webrtc.GetStatistics()?.CurrentAvailablePermits ?? Limit);

    /// <summary>A WebRTC session slot, or null at the limit. Dispose the lease to free it.</summary>
    public RateLimitLease? TryEnterWebRtc() => Acquired(_webrtc.AttemptAcquire());

    /// <summary>A realtime session slot, or null at the limit.</summary>
    public RateLimitLease? TryEnterRealtime() => Acquired(_realtime.AttemptAcquire());

    /// <summary>One of the client's sockets, or null when it has <see cref="PerClientLimit"/> already.</summary>
    public RateLimitLease? TryEnterClient(string client) => Acquired(_perClient.AttemptAcquire(client));

    private static RateLimitLease? Acquired(RateLimitLease lease)
    {
        if (lease.IsAcquired) return lease;
        lease.Dispose();
        return null;
    }

    public void Dispose()
    {
        _webrtc.Dispose();
        _realtime.Dispose();
        _perClient.Dispose();
    }
}
