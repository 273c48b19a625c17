using Microsoft.Extensions.Options;
using WebRtcBridge.Signaling.Hosting;

namespace WebRtcBridge.Signaling.Endpoints;

/// <summary>Counts live WebRTC sessions against <c>Bridge:MaxSessions</c>.</summary>
public sealed class WebRtcSessionLimiter(IOptions<BridgeOptions> options)
{
    private int _active;

    public int Active => Volatile.Read(ref _active);
    public int Limit => options.Value.MaxSessions;

    public bool TryEnter()
    {
        while (true)
        {
            var current = Volatile.Read(ref _active);
            if (current >= Limit) return false;
            if (Interlocked.CompareExchange(ref _active, current + 1, current) == current) return true;
        }
    }

    public void Exit() => Interlocked.Decrement(ref _active);
}
