using WebRtcBridge.WebRtc.Dtls;

namespace WebRtcBridge.WebRtc.Tests.Dtls;

[Collection(DtlsCollection.Name)]
public class DtlsLossAndTimeoutTests
{
    [Fact]
    public void LostServerFirstFlight_IsRetransmittedOnTimeout_AndHandshakeCompletes()
    {
        using var pair = new DtlsPair();
        bool timerFired = false;
        int dropped = 0;
        // Drop everything the server sends until a timer has fired once: its whole first flight is lost.
        pair.Drop = (fromClient, _) =>
        {
            if (fromClient || timerFired) return false;
            dropped++;
            return true;
        };
        pair.Start();
        pair.Pump();
        Assert.Equal(DtlsState.Connecting, pair.Client.State);
        Assert.True(dropped > 0);
        Assert.NotNull(pair.Client.GetTimeout());

        int rounds = pair.PumpWithTimers(TimeSpan.FromSeconds(30), () => timerFired = true);

        Assert.True(pair.BothConnected, pair.ClientFailure ?? pair.ServerFailure);
        Assert.True(rounds >= 1);
        Assert.True(pair.Client.Retransmissions + pair.Server.Retransmissions > 0);
        Assert.True(pair.ClientKeys!.Material.SequenceEqual(pair.ServerKeys!.Material));
        Assert.Null(pair.Client.GetTimeout()); // no timer once connected
    }

    [Fact]
    public void LostClientFinishedFlight_IsRetransmittedByClientTimer_AndHandshakeCompletes()
    {
        using var pair = new DtlsPair();
        bool timerFired = false;
        // Let the ClientHello through, drop the client's second flight (Certificate .. Finished) once.
        pair.Drop = (fromClient, datagram) =>
            fromClient && !timerFired && !DtlsRecordAssert.ContainsClientHello(datagram);
        pair.Start();
        pair.Pump();
        Assert.Equal(DtlsState.Connecting, pair.Server.State);
        Assert.Equal(DtlsState.Connecting, pair.Client.State);

        pair.PumpWithTimers(TimeSpan.FromSeconds(30), () => timerFired = true);

        Assert.True(pair.BothConnected, pair.ClientFailure ?? pair.ServerFailure);
        Assert.True(pair.Client.Retransmissions > 0);
    }

    [Fact]
    public void LostServerFinalFlight_ConnectedServerAnswersTheClientsRetransmission()
    {
        using var pair = new DtlsPair();
        bool timerFired = false;
        int dropped = 0;
        // The server's last flight (ChangeCipherSpec + Finished) is sent once it is already Connected: drop it once.
        pair.Drop = (fromClient, _) =>
        {
            if (fromClient || timerFired || pair.Server.State != DtlsState.Connected) return false;
            dropped++;
            return true;
        };
        pair.Start();
        pair.Pump();
        Assert.True(dropped > 0);
        Assert.Equal(DtlsState.Connected, pair.Server.State);
        Assert.Equal(DtlsState.Connecting, pair.Client.State);
        Assert.Null(pair.Server.GetTimeout()); // a connected transport runs no timer (openssl#7998)

        pair.PumpWithTimers(TimeSpan.FromSeconds(30), () => timerFired = true);

        Assert.True(pair.BothConnected, pair.ClientFailure ?? pair.ServerFailure);
        Assert.True(pair.Client.Retransmissions > 0);
        Assert.True(pair.ClientKeys!.Material.SequenceEqual(pair.ServerKeys!.Material));
    }

    [Fact]
    public void HandshakeTimeout_WithControllableClock_FailsWithReason()
    {
        var clock = new FakeTimeProvider();
        int sent = 0;
        string? failure = null;
        using var client = new DtlsTransport(new DtlsTransportOptions
        {
            Role = DtlsRole.Client,
            RemoteFingerprint = DtlsPair.ClientCertificate.Fingerprint,
            HandshakeTimeout = TimeSpan.FromSeconds(10),
            AutoTimer = false,
            TimeProvider = clock,
        }, _ => sent++);
        client.Failed += r => failure = r;
        Assert.Null(client.GetTimeout());
        client.Start();
        Assert.Equal(1, sent);

        clock.Advance(TimeSpan.FromSeconds(9));
        client.HandleTimeout();
        Assert.Equal(DtlsState.Connecting, client.State);
        Assert.Null(failure);

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.Zero, client.GetTimeout());
        client.HandleTimeout();
        Assert.Equal(DtlsState.Failed, client.State);
        Assert.Equal(DtlsTransport.HandshakeTimeoutReason, failure);
        Assert.Equal("DTLS handshake timed out", client.FailureReason);
        Assert.Null(client.GetTimeout());
    }

    [Fact]
    public void HandshakeTimeout_WithAutomaticTimer_RaisesFailed()
    {
        using var failed = new ManualResetEventSlim();
        string? failure = null;
        long sent = 0;
        using var client = new DtlsTransport(new DtlsTransportOptions
        {
            Role = DtlsRole.Client,
            RemoteFingerprint = DtlsPair.ClientCertificate.Fingerprint,
            HandshakeTimeout = TimeSpan.FromMilliseconds(700),
            InitialRetransmitTimeout = TimeSpan.FromMilliseconds(50),
            AutoTimer = true,
        }, _ => Interlocked.Increment(ref sent)); // nobody answers
        client.Failed += r => { failure = r; failed.Set(); };
        client.Start();

        Assert.True(failed.Wait(TimeSpan.FromSeconds(30)), "no Failed event");
        Assert.Equal(DtlsTransport.HandshakeTimeoutReason, failure);
        // Every datagram after the first ClientHello was a timer-driven resend (how many depends on scheduling).
        Assert.Equal(1 + client.Retransmissions, Interlocked.Read(ref sent));
        Assert.Equal(0, client.TimerErrors);
    }

    [Fact]
    public void AutomaticTimer_RecoversLostFlightWithoutOwnerHelp()
    {
        using var connected = new CountdownEvent(2);
        DtlsTransport? client = null, server = null;
        int serverDrops = 0;
        client = new DtlsTransport(new DtlsTransportOptions
        {
            Role = DtlsRole.Client,
            Certificate = DtlsPair.ClientCertificate,
            RemoteFingerprint = DtlsCertificate.Default.Fingerprint,
            InitialRetransmitTimeout = TimeSpan.FromMilliseconds(50),
        }, d => server!.HandleDatagram(d));
        server = new DtlsTransport(new DtlsTransportOptions
        {
            Role = DtlsRole.Server,
            RemoteFingerprint = DtlsPair.ClientCertificate.Fingerprint,
            InitialRetransmitTimeout = TimeSpan.FromMilliseconds(50),
        }, d =>
        {
            if (Interlocked.Increment(ref serverDrops) <= 1) return; // first server datagram lost
            client!.HandleDatagram(d);
        });
        using (client)
        using (server)
        {
            client.Connected += _ => connected.Signal();
            server.Connected += _ => connected.Signal();
            server.Start();
            client.Start();
            Assert.True(connected.Wait(TimeSpan.FromSeconds(30)), $"client {client.State}, server {server.State}");
            Assert.True(client.Retransmissions + server.Retransmissions > 0);
        }
    }
}
