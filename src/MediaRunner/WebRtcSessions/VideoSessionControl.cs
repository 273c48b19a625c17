namespace WebRtcBridge.MediaRunner.WebRtcSessions;

/// <summary>
/// Given to a frame handler when its <c>/webrtc</c> session starts (<see cref="Apps.BridgeApp.WithVideo(Func{Apps.RealtimeCallContext, VideoSessionControl, Pipeline.IVideoFrameHandler})"/>):
/// lets the app end the session, normally (close 1000) or with an error (<c>app_failed</c> and close 1011). Thread-safe;
/// the first call wins.
/// </summary>
public sealed class VideoSessionControl
{
    private readonly object _gate = new();
    private Action<SessionEnd>? _end;
    private SessionEnd? _pending;

    /// <summary>Ends the session normally: the media closes and the socket gets close 1000 with <paramref name="reason"/>.</summary>
    public void End(string reason = "ended by the app") => Request(SessionEnd.ByApp(reason));

    /// <summary>Ends the session with <c>{"type":"error","error":"app_failed: …"}</c> and close 1011.</summary>
    public void Fail(string error) => Request(SessionEnd.AppFailed(error));

    internal void Attach(Action<SessionEnd> end)
    {
        SessionEnd? pending;
        lock (_gate)
        {
            _end = end;
            pending = _pending;
        }
        if (pending is not null) end(pending);
    }

    private void Request(SessionEnd end)
    {
        Action<SessionEnd>? target;
        lock (_gate)
        {
            _pending ??= end;
            target = _end;
        }
        target?.Invoke(end);
    }
}
