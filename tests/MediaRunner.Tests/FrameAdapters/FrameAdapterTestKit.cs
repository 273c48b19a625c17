using System.Collections.Concurrent;
using WebRtcBridge.MediaRunner.FrameAdapters;
using WebRtcBridge.MediaRunner.Pipeline;
using WebRtcBridge.Protocol.MsgPack;
using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.MediaRunner.Tests.FrameAdapters;

/// <summary>A sink that keeps what it gets: answers (with their frame numbers) and passed-through inputs.</summary>
internal sealed class RecordingSink : IVideoFrameSink
{
    public readonly BlockingCollection<(long FrameNumber, int Width, int Height, byte Y, bool Answer)> Frames = new();

    public void Emit(VideoFrame frame) => Record(frame, answer: false);

    public void EmitAnswer(VideoFrame frame) => Record(frame, answer: true);

    private void Record(VideoFrame frame, bool answer)
    {
        Frames.Add((frame.FrameNumber, frame.Width, frame.Height, frame.Y[frame.Y.Length / 2], answer));
        frame.Dispose();
    }

    public (long FrameNumber, int Width, int Height, byte Y, bool Answer) Next()
        => Frames.TryTake(out var f, TimeSpan.FromSeconds(10)) ? f : throw new TimeoutException("no frame emitted");
}

/// <summary>A runner whose steps finish when the test says so (or at once with a fixed answer).</summary>
internal sealed class ScriptedRunner(Func<MsgValue, MsgValue>? answer = null) : IRealtimeStepRunner
{
    public readonly ConcurrentQueue<(MsgValue Input, TaskCompletionSource<MsgValue> Done)> Pending = new();
    public int Calls;
    public int MaxConcurrent;
    private int _running;
    public bool IsAvailable { get; set; } = true;

    public async ValueTask<MsgValue> RunAsync(MsgValue input, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Calls);
        var running = Interlocked.Increment(ref _running);
        lock (this) MaxConcurrent = Math.Max(MaxConcurrent, running);
        try
        {
            if (answer is not null) return answer(input);
            var done = new TaskCompletionSource<MsgValue>(TaskCreationOptions.RunContinuationsAsynchronously);
            Pending.Enqueue((input, done));
            return await done.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    public (MsgValue Input, TaskCompletionSource<MsgValue> Done) WaitPending()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (Pending.TryDequeue(out var p)) return p;
            Thread.Sleep(2);
        }
        throw new TimeoutException("no step started");
    }

    public MsgValue Stats() => MsgValue.Nil;
}

internal static class Frames
{
    public static VideoFrame Make(long number, byte y = 100, int width = 64, int height = 48)
    {
        var frame = VideoFrame.Create(width, height);
        frame.Fill(y, 128, 128);
        frame.FrameNumber = number;
        frame.RtpTimestamp = (uint)(number * 3000);
        return frame;
    }

    /// <summary>Offers a frame the way the pipeline does: the handler's call, then the frame disposed unless it was emitted.</summary>
    public static async Task Offer(IVideoFrameHandler handler, IVideoFrameSink sink, VideoFrame frame)
    {
        var before = sink is RecordingSink r ? r.Frames.Count : 0;
        await handler.ProcessAsync(frame, sink, CancellationToken.None);
        if (sink is RecordingSink s && s.Frames.Count > before) return; // emitted (passed through): the sink owns it
        frame.Dispose();
    }
}
