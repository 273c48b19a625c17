using System.Diagnostics;
using System.Net;

namespace WebRtcBridge.Bench.Load;

/// <summary>What one measurement window saw across all sessions of a <see cref="LoadFleet"/>.</summary>
public sealed record LoadWindow(int Sessions, double Seconds, double MinFpsOut, double MeanFpsOut, double DroppedPercent,
    double ServerCpuMsPerFrame, double ServerCpuPercent, double ClientCpuMsPerFrame, double ClientCpuPercent, long PacerTicksSkipped,
    double KbpsOutPerSession = double.NaN, long ServerPipelineDrops = 0, long KeyFrameRequests = 0, long PacketsLost = 0)
{
    /// <summary>The bar: every session at least 29 fps out and under 1% of frames dropped.</summary>
    public bool Sustained => Sessions > 0 && MinFpsOut >= 29 && DroppedPercent < 1;
}

/// <summary>
/// A set of <see cref="LoadSession"/>s against one server, paced at 30 fps, that can grow and shrink, and measures a
/// window: output fps per session, dropped frames (sent but never returned), and the CPU of the server process and
/// of this (load client) process per returned frame.
/// </summary>
public sealed class LoadFleet : IAsyncDisposable
{
    private readonly EncodedClip _clip;
    private readonly IPAddress _clientAddress;
    private readonly Uri _url;
    private readonly ServerProcess? _server;
    private readonly FramePacer _pacer = new(30);
    private readonly List<LoadSession> _sessions = [];

    public LoadFleet(EncodedClip clip, IPAddress clientAddress, Uri webrtcUrl, ServerProcess? server)
    {
        _clip = clip;
        _clientAddress = clientAddress;
        _url = webrtcUrl;
        _server = server;
    }

    /// <summary>Connects sessions (a few at a time) until there are <paramref name="target"/>, or closes the newest.</summary>
    public async Task ResizeAsync(int target)
    {
        while (_sessions.Count > target)
        {
            var last = _sessions[^1];
            _sessions.RemoveAt(_sessions.Count - 1);
            _pacer.Remove(last);
            await last.DisposeAsync();
        }
        while (_sessions.Count < target)
        {
            int batch = Math.Min(4, target - _sessions.Count);
            var fresh = Enumerable.Range(0, batch).Select(_ => new LoadSession(_clip, _clientAddress)).ToArray();
            try
            {
                await Task.WhenAll(fresh.Select(s => s.ConnectAsync(_url, TimeSpan.FromSeconds(30))));
            }
            catch
            {
                foreach (var s in fresh) await s.DisposeAsync();
                throw;
            }
            foreach (var s in fresh)
            {
                _sessions.Add(s);
                _pacer.Add(s);
            }
        }
    }

    /// <summary>The sessions connected now, oldest first.</summary>
    public IReadOnlyList<LoadSession> Sessions => _sessions;

    /// <summary>Connects one more session; null when it joined, else why not (the server refused it or it failed).</summary>
    public async Task<string?> TryAddAsync()
    {
        var session = new LoadSession(_clip, _clientAddress);
        try
        {
            await session.ConnectAsync(_url, TimeSpan.FromSeconds(30));
        }
        catch (Exception e)
        {
            await session.DisposeAsync();
            return e.GetBaseException().Message;
        }
        _sessions.Add(session);
        _pacer.Add(session);
        return null;
    }

    /// <summary>Lets the sessions settle for <paramref name="warmup"/>, then counts over <paramref name="window"/>.</summary>
    public async Task<LoadWindow> MeasureAsync(TimeSpan warmup, TimeSpan window)
    {
        await Task.Delay(warmup);
        var sessions = _sessions.ToArray();
        var self = Process.GetCurrentProcess();
        long skipped0 = _pacer.TicksSkipped;
        var sent0 = sessions.Select(s => s.FramesSent).ToArray();
        var back0 = sessions.Select(s => s.FramesReturned).ToArray();
        long bytes0 = sessions.Sum(s => s.BytesReturned);
        long drops0 = sessions.Sum(s => s.ServerFramesDropped), kf0 = sessions.Sum(s => s.KeyFrameRequests);
        long lost0 = sessions.Sum(s => s.PeerConnection.GetStats().PacketsLost);
        double server0 = _server?.CpuMilliseconds() ?? double.NaN;
        self.Refresh();
        double client0 = self.TotalProcessorTime.TotalMilliseconds;
        long t0 = Stopwatch.GetTimestamp();
        await Task.Delay(window);
        var sent1 = sessions.Select(s => s.FramesSent).ToArray();
        var back1 = sessions.Select(s => s.FramesReturned).ToArray();
        long bytes1 = sessions.Sum(s => s.BytesReturned);
        long drops1 = sessions.Sum(s => s.ServerFramesDropped), kf1 = sessions.Sum(s => s.KeyFrameRequests);
        long lost1 = sessions.Sum(s => s.PeerConnection.GetStats().PacketsLost);
        double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        double server1 = _server?.CpuMilliseconds() ?? double.NaN;
        self.Refresh();
        double client1 = self.TotalProcessorTime.TotalMilliseconds;

        var fps = sessions.Select((_, i) => (back1[i] - back0[i]) / seconds).ToArray();
        long sent = sessions.Select((_, i) => sent1[i] - sent0[i]).Sum();
        long back = sessions.Select((_, i) => back1[i] - back0[i]).Sum();
        double dropped = sent == 0 ? 100 : Math.Max(0, 100.0 * (sent - back) / sent);
        double PerFrame(double cpuMs) => back == 0 ? double.NaN : cpuMs / back;
        return new LoadWindow(sessions.Length, seconds, fps.DefaultIfEmpty(0).Min(), fps.DefaultIfEmpty(0).Average(), dropped,
            PerFrame(server1 - server0), (server1 - server0) / 10 / seconds,
            PerFrame(client1 - client0), (client1 - client0) / 10 / seconds, _pacer.TicksSkipped - skipped0,
            sessions.Length == 0 ? double.NaN : (bytes1 - bytes0) * 8 / 1000.0 / seconds / sessions.Length,
            drops1 - drops0, kf1 - kf0, lost1 - lost0);
    }

    public async ValueTask DisposeAsync()
    {
        await ResizeAsync(0);
        _pacer.Dispose();
    }
}
