using WebRtcBridge.MediaRunner.Apps;
using WebRtcBridge.Protocol.Binding;
using WebRtcBridge.Protocol.MsgPack;
using WebRtcBridge.Protocol.Realtime;

namespace WebRtcBridge.MediaRunner.FrameAdapters;

/// <summary>Runs steps on an in-process realtime endpoint: the first output of each input is its answer.</summary>
public sealed class LocalStepRunner(RealtimeEndpoint endpoint, RealtimeCallContext context) : IRealtimeStepRunner
{
    public bool IsAvailable => true;

    public async ValueTask<MsgValue> RunAsync(MsgValue input, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var output in endpoint.Invoke([input], context, cancellationToken).ConfigureAwait(false))
                return output;
        }
        catch (InputValidationException e)
        {
            throw new RealtimeStepException(RealtimeErrorCodes.ValidationError, $"{e.Field}: {e.Problem}");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new RealtimeStepException(RealtimeErrorCodes.InternalError, e.Message);
        }
        throw new RealtimeStepException(RealtimeErrorCodes.InternalError, "the handler produced no output");
    }

    public MsgValue Stats() => MsgValue.Nil;
}
