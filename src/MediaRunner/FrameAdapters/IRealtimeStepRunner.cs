using WebRtcBridge.Protocol.MsgPack;

namespace WebRtcBridge.MediaRunner.FrameAdapters;

/// <summary>Runs one realtime step: an input map in, the app's output map back (an in-process app or a remote one).</summary>
public interface IRealtimeStepRunner
{
    /// <summary>False while steps cannot run (a remote upstream reconnecting): frames then pass through unprocessed.</summary>
    bool IsAvailable { get; }

    /// <summary>The app's output for <paramref name="input"/>. App errors throw <see cref="RealtimeStepException"/>;
    /// <see cref="StepUnavailableException"/> means the step never ran (the frame may pass through).</summary>
    ValueTask<MsgValue> RunAsync(MsgValue input, CancellationToken cancellationToken);

    /// <summary>The runner's own figures for <c>stats</c> (e.g. upstream state), or Nil.</summary>
    MsgValue Stats();
}

/// <summary>The app answered a step with an error (an <c>x-fal-error</c> frame or a handler failure): counted, shown
/// to the client, never fatal.</summary>
public sealed class RealtimeStepException(string code, string reason) : Exception($"{code}: {reason}")
{
    public string Code { get; } = code;
    public string Reason { get; } = reason;
}

/// <summary>The step could not run (no upstream connection, or it dropped while the step was in flight).</summary>
public sealed class StepUnavailableException(string message) : Exception(message);
