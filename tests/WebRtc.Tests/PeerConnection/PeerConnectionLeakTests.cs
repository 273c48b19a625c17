using System.Diagnostics;
using WebRtcBridge.WebRtc.Native;
using Xunit.Abstractions;

namespace WebRtcBridge.WebRtc.Tests.PeerConnection;

/// <summary>200 sessions opened, used and closed in a row leave no sockets, native contexts or threads behind.</summary>
[Collection(PeerConnectionCollection.Name)]
public class PeerConnectionLeakTests(ITestOutputHelper output)
{
    private const int Sessions = 200;

    [Fact(Timeout = 300_000)]
    public async Task TwoHundredSessions_LeaveNoSocketsNativeHandlesOrThreads()
    {
        for (int i = 0; i < 3; i++) await OneSessionAsync(); // warm-up: certificate, pools, JIT
        var before = Measure();
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < Sessions; i++) await OneSessionAsync();
        var after = Measure();
        output.WriteLine($"{Sessions} sessions in {watch.Elapsed.TotalSeconds:F1} s; before {before}, after {after}");
        Assert.InRange(after.Fds, 0, before.Fds + 8);
        // Other tests' handles may be freed meanwhile (finalizers), so the count may drop, never grow.
        Assert.InRange(after.Ssl, 0, before.Ssl);
        Assert.InRange(after.Vpx, 0, before.Vpx);
        Assert.InRange(after.Threads, 0, before.Threads + 8);
    }

    private static async Task OneSessionAsync()
    {
        var pair = new PeerPair();
        try
        {
            var toServer = new FrameCounter(pair.Server);
            var toClient = new FrameCounter(pair.Client);
            await pair.ConnectAsync();
            await Task.WhenAll(
                PeerPair.SendFramesAsync(pair.Client, 3, 160, 120, fps: 100),
                PeerPair.SendFramesAsync(pair.Server, 3, 160, 120, fps: 100));
            await Task.WhenAll(toServer.WaitForAsync(1), toClient.WaitForAsync(1)).WaitAsync(TimeSpan.FromSeconds(20));
        }
        finally
        {
            await pair.DisposeAsync();
        }
    }

    private static (int Fds, long Ssl, long Vpx, int Threads) Measure()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        return (Directory.GetFiles("/proc/self/fd").Length, OpenSslHandle.LiveCount, LibVpxCodecHandle.LiveCount,
            Process.GetCurrentProcess().Threads.Count);
    }
}
