using System.Diagnostics;
using System.Text.Json;
using WebRtcBridge.Interop.Tests.Infrastructure;
using WebRtcBridge.WebRtc;
using Xunit.Abstractions;

namespace WebRtcBridge.Interop.Tests;

/// <summary>
/// How a server-role <see cref="PeerConnection"/> notices the end of an aiortc session: a polite close (RTCP BYE,
/// DTLS close_notify) and a peer that vanishes without a word (ICE consent, RFC 7675).
/// </summary>
[Trait("Category", "Interop")]
public sealed class AiortcLifecycleTests(ITestOutputHelper output)
{
    private static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(25);

    /// <summary>aiortc is killed (SIGKILL: no BYE, no close_notify); consent must fail the connection.</summary>
    [Fact]
    public async Task Server_role_fails_by_consent_when_aiortc_vanishes()
    {
        var consent = TimeSpan.FromSeconds(5);
        await using var session = await Session.StartAsync(output, consent);
        await session.WaitForFramesAsync(30);

        var clock = Stopwatch.StartNew();
        session.Peer.KillTree();
        var state = await session.WaitForStateAsync(s => s is PeerConnectionState.Failed or PeerConnectionState.Disconnected or PeerConnectionState.Closed,
            consent + TimeSpan.FromSeconds(15));
        Log($"state {state} ({session.Pc.FailureReason}) {clock.ElapsedMilliseconds} ms after the kill; consent timeout {consent.TotalSeconds} s");

        Assert.Equal(PeerConnectionState.Failed, state);
        Assert.Contains("consent", session.Pc.FailureReason ?? "", StringComparison.OrdinalIgnoreCase);
        // (no lower bound on the time: consent counts from aiortc's last check, which came before the kill)
        session.Pc.RequestKeyFrame(); // calls on a failed connection are harmless
        await session.Pc.CloseAsync();
        Assert.Equal(PeerConnectionState.Closed, session.Pc.ConnectionState);
    }

    /// <summary>aiortc closes its RTCPeerConnection; we must see Disconnected, not wait for consent.</summary>
    [Fact]
    public async Task Server_role_sees_aiortc_close_as_disconnected()
    {
        await using var session = await Session.StartAsync(output, TimeSpan.FromSeconds(30));
        await session.WaitForFramesAsync(30);

        var clock = Stopwatch.StartNew();
        await session.Peer.WriteJsonAsync(new { type = "stop" });
        var result = await session.Peer.ReadJsonAsync(PeerTimeout, ["result"], Log);
        Log("aiortc result: " + result.GetRawText());
        var state = await session.WaitForStateAsync(s => s != PeerConnectionState.Connected, TimeSpan.FromSeconds(15));
        Log($"state {state} ({session.Pc.FailureReason}) {clock.ElapsedMilliseconds} ms after asking aiortc to stop; stats {JsonSerializer.Serialize(session.Pc.GetStats())}");

        Assert.Equal(PeerConnectionState.Disconnected, state);
        Assert.Equal(0, await session.Peer.WaitForExitAsync(TimeSpan.FromSeconds(20)));
    }

    private void Log(string line)
    {
        try { output.WriteLine(line); }
        catch (InvalidOperationException) { }
    }

    /// <summary>aiortc offering, we answering with our test pattern, until disposed.</summary>
    private sealed class Session : IAsyncDisposable
    {
        private readonly List<PeerConnectionState> _states = new();
        private readonly SemaphoreSlim _changed = new(0);
        private readonly CancellationTokenSource _stop = new();
        private Task _sender = Task.CompletedTask;
        private long _frames;

        private Session(ChildProcess peer, PeerConnection pc)
        {
            Peer = peer;
            Pc = pc;
        }

        public ChildProcess Peer { get; }
        public PeerConnection Pc { get; }

        public static async Task<Session> StartAsync(ITestOutputHelper output, TimeSpan consentTimeout)
        {
            void Log(string line)
            {
                try { output.WriteLine(line); }
                catch (InvalidOperationException) { }
            }
            var ours = InteropEnvironment.AddressA;
            var peer = await AiortcPeer.StartAsync("offer", InteropEnvironment.AddressB, 100_000, PeerTimeout, Log);
            var pc = new PeerConnection(new PeerConnectionOptions { HostAddresses = [ours], BindAddress = ours, ConsentTimeout = consentTimeout });
            var s = new Session(peer, pc);
            pc.ConnectionStateChanged += st =>
            {
                lock (s._states) s._states.Add(st);
                s._changed.Release();
            };
            pc.FrameReceived += f =>
            {
                Interlocked.Increment(ref s._frames);
                f.Dispose();
            };
            try
            {
                var offer = (await peer.ReadJsonAsync(PeerTimeout, ["offer"], Log)).GetProperty("sdp").GetString()!;
                await peer.WriteJsonAsync(new { type = "answer", sdp = await pc.AcceptOfferAsync(offer) });
                var state = await s.WaitForStateAsync(st => st != PeerConnectionState.Connecting, TimeSpan.FromSeconds(30));
                Assert.True(state == PeerConnectionState.Connected, $"connection {state}: {pc.FailureReason}; peer stderr:\n{peer.StderrTail}");
                s._sender = PatternLoopAsync(pc, s._stop.Token);
                return s;
            }
            catch
            {
                await s.DisposeAsync();
                throw;
            }
        }

        /// <summary>Waits until at least <paramref name="count"/> frames were decoded.</summary>
        public async Task WaitForFramesAsync(long count)
        {
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (Interlocked.Read(ref _frames) < count)
            {
                Assert.True(DateTime.UtcNow < until, $"only {_frames} frames decoded in 30 s");
                await Task.Delay(50);
            }
        }

        /// <summary>Waits for the current or a later state matching <paramref name="wanted"/>; fails on timeout.</summary>
        public async Task<PeerConnectionState> WaitForStateAsync(Func<PeerConnectionState, bool> wanted, TimeSpan timeout)
        {
            var until = DateTime.UtcNow + timeout;
            while (true)
            {
                var now = Pc.ConnectionState;
                if (wanted(now)) return now;
                var left = until - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !await _changed.WaitAsync(left))
                {
                    lock (_states) Assert.Fail($"state still {Pc.ConnectionState} after {timeout.TotalSeconds} s (seen: {string.Join(",", _states)})");
                }
            }
        }

        private static async Task PatternLoopAsync(PeerConnection pc, CancellationToken cancel)
        {
            using var frame = WebRtcBridge.WebRtc.Media.VideoFrame.Create(640, 480);
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(1000.0 / 30));
            for (var index = 0; ; index++)
            {
                try
                {
                    if (!await timer.WaitForNextTickAsync(cancel)) return;
                }
                catch (OperationCanceledException) { return; }
                WebRtcBridge.WebRtc.Media.TestPattern.Render(frame, index);
                frame.RtpTimestamp = (uint)(index * 3000);
                pc.SendFrame(frame);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _sender;
            await Pc.DisposeAsync();
            await Peer.DisposeAsync();
            _stop.Dispose();
            _changed.Dispose();
        }
    }
}
