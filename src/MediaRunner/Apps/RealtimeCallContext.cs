using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace WebRtcBridge.MediaRunner.Apps;

/// <summary>What a handler knows about the call it serves.</summary>
public sealed class RealtimeCallContext
{
    public required string SessionId { get; init; }
    public required AppId AppId { get; init; }
    /// <summary>The endpoint path, e.g. <c>/realtime</c>.</summary>
    public required string Path { get; init; }
    public ILogger Logger { get; init; } = NullLogger.Instance;
}
