using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using WebRtcBridge.Signaling.Auth;
using WebRtcBridge.Signaling.Endpoints;

namespace WebRtcBridge.Signaling.Hosting;

/// <summary>
/// HTTP limits on ASP.NET Core's rate limiter (<c>Microsoft.AspNetCore.RateLimiting</c>): a global concurrency limit
/// on HTTP requests in flight (<c>Bridge:MaxHttpRequests</c>; WebSocket sessions are not HTTP requests in flight and
/// have their own limits) and a fixed one-minute window on <c>POST /tokens</c> per client
/// (<c>Bridge:TokenRequestsPerMinute</c>; client = the API key id when the key is valid, else the remote IP). No
/// queueing: over a limit is 429 with <c>Retry-After</c>, counted in <see cref="LimitCounters"/>.
/// </summary>
public static class HttpLimits
{
    private const string InFlightPartition = "http";

    public static void Configure(RateLimiterOptions o, BridgeOptions limits)
    {
        if (limits.MaxHttpRequests < 1 || limits.TokenRequestsPerMinute < 1 || limits.MaxSocketsPerClient < 1 ||
            limits.MaxRealtimeSessions < 1 || limits.MaxSessions < 1 || limits.MaxSignalingMessageBytes < 1024)
            throw new InvalidOperationException("Bridge limits (MaxHttpRequests, TokenRequestsPerMinute, MaxSocketsPerClient, " +
                "MaxRealtimeSessions, MaxSessions) must be at least 1, MaxSignalingMessageBytes at least 1024");
        o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http => http.WebSockets.IsWebSocketRequest
            ? RateLimitPartition.GetNoLimiter("")
            : RateLimitPartition.GetConcurrencyLimiter(InFlightPartition,
                _ => new ConcurrencyLimiterOptions { PermitLimit = limits.MaxHttpRequests, QueueLimit = 0 }));
        o.AddPolicy(TokenEndpoint.RateLimitPolicy, http => RateLimitPartition.GetFixedWindowLimiter(TokenClient(http),
            _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = limits.TokenRequestsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0,
            }));
        o.OnRejected = async (context, ct) =>
        {
            var http = context.HttpContext;
            var windowed = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter);
            var seconds = windowed ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1;
            http.RequestServices.GetRequiredService<LimitCounters>().Reject(windowed ? LimitCounters.TokenRequests : LimitCounters.HttpRequests);
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await http.Response.WriteAsJsonAsync(new
            {
                detail = windowed
                    ? $"too many token requests: at most {limits.TokenRequestsPerMinute} a minute"
                    : $"too many requests in flight (at most {limits.MaxHttpRequests}), try again later",
            }, ct);
        };
    }

    private static string TokenClient(HttpContext http)
    {
        var auth = http.RequestServices.GetRequiredService<HandshakeAuthenticator>();
        return auth.HasValidKey(http, out var keyId) && keyId is not null ? "key:" + keyId : ClientIdentity.Of(http, null);
    }
}
