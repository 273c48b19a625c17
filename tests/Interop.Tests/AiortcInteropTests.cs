using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using System.Text.Json;
using WebRtcBridge.Interop.Tests.Infrastructure;
using WebRtcBridge.WebRtc;
using WebRtcBridge.WebRtc.Media;
using Xunit.Abstractions;

namespace WebRtcBridge.Interop.Tests;

/// <summary>
/// Our <see cref="PeerConnection"/> against aiortc 1.4 (Debian python3-aiortc), inside the private network namespace
/// of scripts/netns-run.sh: aiortc on veth-b, we on veth-a. Server role (ICE-lite, DTLS passive) with aiortc
/// offering, and client role (full controlling ICE, our offer) with aiortc answering. aiortc offers
/// AES_CM_128_HMAC_SHA1_80 only, so this is also the AES-CM SRTP path against a real peer.
/// </summary>
[Trait("Category", "Interop")]
public sealed class AiortcInteropTests(ITestOutputHelper output)
{
    /// <summary>aiortc stops once it has received this many frames.</summary>
    private const int FramesWanted = 150;

    /// <summary>Both directions must carry at least this many decoded frames (about 2 s of video at 30 fps).</summary>
    private const int MinFrames = 60;

    /// <summary>aiortc's bound on each wait and on the media run.</summary>
    private static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(25);

    /// <summary>Server role; every frame we decode is sent straight back (through a latest-frame-wins slot).</summary>
    [Fact]
    public Task Server_role_decodes_aiortc_video_and_echoes_it_back() => RunAsync(echo: true, weOffer: false);

    /// <summary>Server role; we send our own 640x480 test pattern at 30 fps while decoding aiortc's video.</summary>
    [Fact]
    public Task Server_role_sends_our_test_pattern_to_aiortc() => RunAsync(echo: false, weOffer: false);

    /// <summary>Client role: our offer, aiortc answers (full ICE on both sides, we control); echo.</summary>
    [Fact]
    public Task Client_role_offer_answered_by_aiortc_echoes_video() => RunAsync(echo: true, weOffer: true);

    /// <summary>
    /// Server role, echo, with 3% of RTP media packets dropped each way by a relay between us and aiortc: NACKs
    /// both ways and retransmissions must keep the video going.
    /// </summary>
    [Fact]
    public Task Server_role_recovers_from_rtp_loss_with_nack() => RunAsync(echo: true, weOffer: false, rtpLoss: 0.03);

    private async Task RunAsync(bool echo, bool weOffer, double rtpLoss = 0)
    {
        var ours = InteropEnvironment.AddressA;
        var theirs = InteropEnvironment.AddressB;
        await using var peer = await AiortcPeer.StartAsync(weOffer ? "answer" : "offer", theirs, FramesWanted, PeerTimeout, Log);

        await using var pc = new PeerConnection(new PeerConnectionOptions { HostAddresses = [ours], BindAddress = ours });
        var connected = new TaskCompletionSource<PeerConnectionState>(TaskCreationOptions.RunContinuationsAsynchronously);
        var states = new List<string>();
        pc.ConnectionStateChanged += s =>
        {
            lock (states) states.Add($"{s}");
            if (s is PeerConnectionState.Connected or PeerConnectionState.Failed or PeerConnectionState.Closed)
                connected.TrySetResult(s);
        };

        using var slot = new LatestFrameSlot();
        long framesReceived = 0, framesChecked = 0, framesNonBlank = 0;
        int lastWidth = 0, lastHeight = 0;
        pc.FrameReceived += frame =>
        {
            var n = Interlocked.Increment(ref framesReceived);
            lastWidth = frame.Width;
            lastHeight = frame.Height;
            if (n % 10 == 1)
            {
                Interlocked.Increment(ref framesChecked);
                if (LumaRange(frame) > 32) Interlocked.Increment(ref framesNonBlank);
            }
            if (echo) slot.Offer(frame); // the slot owns it now
            else frame.Dispose();
        };

        LossyUdpRelay? relay = null;
        await using var relayOwner = new AsyncDisposer(() => relay);
        var clock = Stopwatch.StartNew();
        if (weOffer)
        {
            var offer = await pc.CreateOfferAsync();
            Log("our offer:\n" + offer.TrimEnd());
            await peer.WriteJsonAsync(new { type = "offer", sdp = offer });
            var answer = (await peer.ReadJsonAsync(PeerTimeout, ["answer"], skipped: Log)).GetProperty("sdp").GetString()!;
            Log("aiortc answer:\n" + answer.TrimEnd());
            await pc.SetRemoteAnswerAsync(answer);
        }
        else
        {
            var offer = (await peer.ReadJsonAsync(PeerTimeout, ["offer"], skipped: Log)).GetProperty("sdp").GetString()!;
            Log("aiortc offer:\n" + offer.TrimEnd());
            var answer = await pc.AcceptOfferAsync(offer);
            Log("our answer:\n" + answer.TrimEnd());
            if (rtpLoss > 0)
            {
                // aiortc must reach us through the lossy relay: announce the relay instead of our candidate
                var candidate = Regex.Match(answer, $@"a=candidate:\S+ 1 udp \d+ {Regex.Escape(ours.ToString())} (\d+) typ host");
                Assert.True(candidate.Success, "no host candidate on our address in the answer");
                var target = new IPEndPoint(ours, int.Parse(candidate.Groups[1].Value));
                relay = new LossyUdpRelay(ours, target, rtpLoss, seed: 7, LossyUdpRelay.IsRtpMedia);
                answer = answer.Replace($"{ours} {target.Port} typ host", $"{relay.PublicEndPoint.Address} {relay.PublicEndPoint.Port} typ host")
                               .Replace($"m=video {target.Port} ", $"m=video {relay.PublicEndPoint.Port} ");
                Log($"lossy relay {relay.PublicEndPoint} -> {target}, RTP loss {rtpLoss:P0} each way");
            }
            await peer.WriteJsonAsync(new { type = "answer", sdp = answer });
        }

        using var stopSending = new CancellationTokenSource();
        var sender = echo ? EchoLoopAsync(pc, slot, stopSending.Token) : PatternLoopAsync(pc, stopSending.Token);

        var finalState = await WaitAsync(connected.Task, TimeSpan.FromSeconds(30),
            () => $"no Connected/Failed within 30 s; states: {string.Join(",", states)}; peer stderr:\n{peer.StderrTail}");
        Log($"connection state {finalState} after {clock.ElapsedMilliseconds} ms (states: {string.Join(",", states)})");
        Assert.True(finalState == PeerConnectionState.Connected,
            $"connection ended {finalState}: {pc.FailureReason}; our stats {JsonSerializer.Serialize(pc.GetStats())}; peer stderr:\n{peer.StderrTail}");

        var result = await peer.ReadJsonAsync(PeerTimeout + TimeSpan.FromSeconds(30), ["result"], skipped: Log);
        var mediaSeconds = clock.Elapsed.TotalSeconds;
        await stopSending.CancelAsync();
        await sender;
        var stats = pc.GetStats();
        await pc.CloseAsync();
        var exitCode = await peer.WaitForExitAsync(TimeSpan.FromSeconds(20));

        Log($"aiortc result: {result.GetRawText()}");
        Log($"our side after {mediaSeconds:0.0} s: FrameReceived events {framesReceived} ({framesNonBlank}/{framesChecked} sampled frames not blank), " +
            $"last size {lastWidth}x{lastHeight}, echo slot replaced {slot.Replaced}");
        Log($"our stats: {JsonSerializer.Serialize(stats)}");
        Log($"aiortc exit code {exitCode}");
        if (relay is not null)
            Log($"relay: to us {relay.ForwardedIn} forwarded / {relay.DroppedIn} dropped; to aiortc {relay.ForwardedOut} forwarded / {relay.DroppedOut} dropped");

        Assert.Equal(0, exitCode);
        Assert.Equal("connected", result.GetProperty("connectionState").GetString());
        Assert.Equal("SRTP_AES128_CM_SHA1_80", result.GetProperty("srtpProfile").GetString());
        // server role: we are DTLS passive, so aiortc is the DTLS client; client role: aiortc answers "active"
        Assert.Equal("client", result.GetProperty("dtlsRole").GetString());
        Assert.Equal(0, stats.SrtpAuthFailures);
        Assert.True(stats.RoundTripTime is not null, "no RTT: no receiver report from aiortc about our stream was used");
        Assert.True(stats.AvailableOutgoingBitrate is not null, "no REMB from aiortc was used");

        // aiortc -> us
        Assert.True(framesReceived >= MinFrames, $"we decoded only {framesReceived} frames (want >= {MinFrames})");
        Assert.True(stats.FramesDecoded >= MinFrames, $"stats.FramesDecoded {stats.FramesDecoded} < {MinFrames}");
        Assert.True(framesChecked > 0 && framesNonBlank == framesChecked, $"blank frames from aiortc: {framesNonBlank}/{framesChecked} sampled not blank");
        Assert.Equal((640, 480), (lastWidth, lastHeight));

        // us -> aiortc
        var theyReceived = result.GetProperty("framesReceived").GetInt32();
        Assert.True(theyReceived >= MinFrames, $"aiortc received only {theyReceived} frames (want >= {MinFrames})");
        Assert.True(stats.FramesEncoded >= MinFrames, $"stats.FramesEncoded {stats.FramesEncoded} < {MinFrames}");
        var theirChecked = result.GetProperty("framesChecked").GetInt32();
        Assert.True(theirChecked > 0 && result.GetProperty("framesNonBlank").GetInt32() == theirChecked,
            "aiortc saw blank frames from us");
        Assert.Equal(640, result.GetProperty("width").GetInt32());
        Assert.Equal(480, result.GetProperty("height").GetInt32());

        if (relay is not null)
        {
            Assert.True(relay.DroppedIn > 0 && relay.DroppedOut > 0, "the relay dropped nothing: loss not exercised");
            Assert.True(stats.NackCount > 0, "we sent no NACK although aiortc's RTP was dropped");
            Assert.True(stats.NackReceivedCount > 0, "aiortc sent no NACK although our RTP was dropped");
            Assert.True(stats.RetransmittedPacketsSent > 0, "we retransmitted nothing on aiortc's NACKs");
        }
    }

    /// <summary>Disposes whatever the getter returns at the end of the scope (for a resource made mid-test).</summary>
    private sealed class AsyncDisposer(Func<IAsyncDisposable?> get) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => get() is { } d ? d.DisposeAsync() : ValueTask.CompletedTask;
    }

    private static async Task EchoLoopAsync(PeerConnection pc, LatestFrameSlot slot, CancellationToken cancel)
    {
        while (await slot.TakeAsync(cancel) is { } frame)
        {
            using (frame) pc.SendFrame(frame);
        }
    }

    private static async Task PatternLoopAsync(PeerConnection pc, CancellationToken cancel)
    {
        using var frame = VideoFrame.Create(640, 480);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(1000.0 / 30));
        var start = Stopwatch.GetTimestamp();
        for (var index = 0; ; index++)
        {
            try
            {
                if (!await timer.WaitForNextTickAsync(cancel)) return;
            }
            catch (OperationCanceledException) { return; }
            TestPattern.Render(frame, index);
            frame.RtpTimestamp = (uint)(Stopwatch.GetElapsedTime(start).TotalSeconds * 90000);
            pc.SendFrame(frame);
        }
    }

    private static int LumaRange(VideoFrame frame)
    {
        var y = frame.Y;
        int min = 255, max = 0;
        for (var i = 0; i < y.Length; i += 97)
        {
            min = Math.Min(min, y[i]);
            max = Math.Max(max, y[i]);
        }
        return max - min;
    }

    private static async Task<T> WaitAsync<T>(Task<T> task, TimeSpan timeout, Func<string> onTimeout)
    {
        if (await Task.WhenAny(task, Task.Delay(timeout)) != task) Assert.Fail(onTimeout());
        return await task;
    }

    private void Log(string line)
    {
        try { output.WriteLine(line); }
        catch (InvalidOperationException) { /* after the test ended */ }
    }
}

