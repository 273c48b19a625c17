using System.Net;
using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.WebRtc.Tests.PeerConnection;

using PeerConnection = WebRtcBridge.WebRtc.PeerConnection;

/// <summary>A server-role and a client-role PeerConnection on 127.0.0.1, connected through real UDP sockets.</summary>
internal sealed class PeerPair : IAsyncDisposable
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    static PeerPair()
    {
        // The test host starts with 2 pool threads here and some are held by the runner: the pacing timers then stall
        // for up to a second while the pool injects threads (measured: a 900 ms gap in the send loop, not in the
        // PeerConnection, whose loops are dedicated threads). A few more pool threads keep the pacing honest.
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), Math.Max(io, 4));
    }

    public PeerPair(PeerConnectionOptions? server = null, PeerConnectionOptions? client = null)
    {
        Server = new PeerConnection(server ?? LoopbackOptions());
        Client = new PeerConnection(client ?? LoopbackOptions());
    }

    public PeerConnection Server { get; }
    public PeerConnection Client { get; }

    public static PeerConnectionOptions LoopbackOptions() => new()
    {
        HostAddresses = [IPAddress.Loopback],
        BindAddress = IPAddress.Loopback,
    };

    /// <summary>Offer/answer and wait until both sides are Connected.</summary>
    public async Task ConnectAsync()
    {
        var serverUp = WaitForState(Server, PeerConnectionState.Connected);
        var clientUp = WaitForState(Client, PeerConnectionState.Connected);
        string offer = await Client.CreateOfferAsync();
        string answer = await Server.AcceptOfferAsync(offer);
        await Client.SetRemoteAnswerAsync(answer);
        await Task.WhenAll(serverUp, clientUp).WaitAsync(ConnectTimeout);
    }

    /// <summary>Completes when <paramref name="pc"/> reaches <paramref name="state"/>; faults when it fails first.</summary>
    public static Task WaitForState(PeerConnection pc, PeerConnectionState state)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pc.ConnectionStateChanged += s =>
        {
            if (s == state) tcs.TrySetResult();
            else if (s == PeerConnectionState.Failed && state != PeerConnectionState.Failed)
                tcs.TrySetException(new InvalidOperationException("connection failed: " + pc.FailureReason));
        };
        if (pc.ConnectionState == state) tcs.TrySetResult();
        return tcs.Task;
    }

    /// <summary>Sends <paramref name="count"/> test-pattern frames paced at ~<paramref name="fps"/> from <paramref name="pc"/>.</summary>
    public static async Task SendFramesAsync(PeerConnection pc, int count, int width, int height, int fps = 30, CancellationToken ct = default)
    {
        using var frame = VideoFrame.Create(width, height);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(1000.0 / fps));
        for (int i = 0; i < count; i++)
        {
            TestPattern.Render(frame, i);
            frame.RtpTimestamp = (uint)(1000 + i * (90000 / fps));
            pc.SendFrame(frame);
            await timer.WaitForNextTickAsync(ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Client.CloseAsync();
        await Server.CloseAsync();
    }
}
