using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using WebRtcBridge.Bench.Common;
using WebRtcBridge.WebRtc;
using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.Bench.WebRtc;

/// <summary>
/// A server-role and a client-role PeerConnection over 127.0.0.1: the client sends a paced test pattern, the server's
/// FrameReceived handler echoes every decoded frame back (as a handler would). Prints per-frame send time (encode +
/// packetize + SRTP + send, caller's thread), decode time (assembled → decoded, loop thread), one-way latency
/// (SendFrame → decoded on the server) and round-trip latency (SendFrame → echo decoded on the client).
/// Args: [--frames N] [--fps N].
/// </summary>
public sealed class WebRtcLoopbackBenchmark : IBenchmark
{
    public string Name => "webrtc";
    public string Description => "PeerConnection loopback pair: encode/decode ms per frame and frame latency at 640x480 and 1280x720; --frames N --fps N";

    public async Task RunAsync(string[] args, TextWriter output)
    {
        int frames = BenchArgs.Int(args, "--frames", 300);
        int fps = BenchArgs.Int(args, "--fps", 30);
        ThreadPool.GetMinThreads(out int w, out int io);
        ThreadPool.SetMinThreads(Math.Max(w, 8), io);
        output.WriteLine($"webrtc: loopback PeerConnection pair on 127.0.0.1, VP8 cpu-used -6, 1 encoder thread, {frames} frames at {fps} fps, " +
                         $"server echoes each decoded frame; {Environment.ProcessorCount} cores");
        await RunAsync(output, 640, 480, frames, fps);
        await RunAsync(output, 1280, 720, frames, fps);
    }

    private static async Task RunAsync(TextWriter output, int width, int height, int frames, int fps)
    {
        var options = new PeerConnectionOptions
        {
            HostAddresses = [IPAddress.Loopback],
            BindAddress = IPAddress.Loopback,
            StartBitrateKbps = width >= 1280 ? 2500 : 1000,
            MaxBitrateKbps = width >= 1280 ? 4000 : 2500,
        };
        await using var server = new PeerConnection(options);
        await using var client = new PeerConnection(options);
        var sendStart = new ConcurrentDictionary<uint, long>();
        var assembled = new ConcurrentDictionary<uint, long>();
        var sendMs = new List<double>();
        var decodeMs = new ConcurrentQueue<double>();
        var oneWayMs = new ConcurrentQueue<double>();
        var roundTripMs = new ConcurrentQueue<double>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int echoed = 0;

        server.EncodedFrameReceived += f => assembled[f.RtpTimestamp] = Stopwatch.GetTimestamp();
        server.FrameReceived += frame =>
        {
            long now = Stopwatch.GetTimestamp();
            if (assembled.TryRemove(frame.RtpTimestamp, out long a)) decodeMs.Enqueue(Ms(a, now));
            if (sendStart.TryGetValue(frame.RtpTimestamp, out long s)) oneWayMs.Enqueue(Ms(s, now));
            server.SendFrame(frame); // echo (the handler owns the frame)
            frame.Dispose();
        };
        client.FrameReceived += frame =>
        {
            if (sendStart.TryRemove(frame.RtpTimestamp, out long s)) roundTripMs.Enqueue(Ms(s, Stopwatch.GetTimestamp()));
            frame.Dispose();
            if (Interlocked.Increment(ref echoed) >= frames - 2) done.TrySetResult();
        };

        var connected = Task.WhenAll(WaitConnected(server), WaitConnected(client));
        string offer = await client.CreateOfferAsync();
        await client.SetRemoteAnswerAsync(await server.AcceptOfferAsync(offer));
        await connected.WaitAsync(TimeSpan.FromSeconds(30));

        using var frame = VideoFrame.Create(width, height);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(1000.0 / fps));
        for (int i = 0; i < frames; i++)
        {
            TestPattern.Render(frame, i);
            frame.RtpTimestamp = (uint)(3000 + i * (90000 / fps));
            long t0 = Stopwatch.GetTimestamp();
            sendStart[frame.RtpTimestamp] = t0;
            client.SendFrame(frame);
            sendMs.Add(Ms(t0, Stopwatch.GetTimestamp()));
            await timer.WaitForNextTickAsync();
        }
        await Task.WhenAny(done.Task, Task.Delay(3000));
        var cs = client.GetStats();
        var ss = server.GetStats();
        output.WriteLine($"{width}x{height}: sent {frames}, decoded at server {ss.FramesDecoded}, echoes decoded at client {cs.FramesDecoded}; " +
                         $"client {cs.BytesSent * 8 / 1000 / Math.Max(1, frames / fps)} kbit/s, rtt {cs.RoundTripTime * 1000:F2} ms, nack {ss.NackCount + cs.NackCount}");
        Print(output, "  send (encode+packetize+srtp+send)", sendMs);
        Print(output, "  decode (assembled -> decoded)", decodeMs.ToList());
        Print(output, "  one-way latency (SendFrame -> decoded)", oneWayMs.ToList());
        Print(output, "  round trip (SendFrame -> echo decoded)", roundTripMs.ToList());
    }

    private static Task WaitConnected(PeerConnection pc)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pc.ConnectionStateChanged += s =>
        {
            if (s == PeerConnectionState.Connected) tcs.TrySetResult();
            else if (s == PeerConnectionState.Failed) tcs.TrySetException(new InvalidOperationException(pc.FailureReason));
        };
        return tcs.Task;
    }

    private static double Ms(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;

    private static void Print(TextWriter output, string label, List<double> values)
    {
        if (values.Count == 0) { output.WriteLine($"{label}: no samples"); return; }
        values.Sort();
        double P(double q) => values[Math.Min(values.Count - 1, (int)(q * values.Count))];
        output.WriteLine($"{label}: median {P(0.5):F2} ms, p99 {P(0.99):F2} ms, max {values[^1]:F2} ms (n={values.Count})");
    }
}
