using WebRtcBridge.WebRtc.Dtls;
using WebRtcBridge.WebRtc.Srtp;

namespace WebRtcBridge.WebRtc.Tests.Dtls;

/// <summary>
/// A DTLS client and server in one process, datagrams piped through in-memory queues and delivered by <see cref="Pump"/>
/// on the test thread (deterministic). Records every datagram each side sent and lets a test drop some.
/// </summary>
internal sealed class DtlsPair : IDisposable
{
    /// <summary>A second certificate so client and server differ (the server uses the process default).</summary>
    internal static readonly DtlsCertificate ClientCertificate = DtlsCertificate.Create("WebRtcBridge test client");

    private readonly Queue<byte[]> _toServer = new();
    private readonly Queue<byte[]> _toClient = new();

    public DtlsPair(
        IReadOnlyList<SrtpProtectionProfile>? clientProfiles = null,
        IReadOnlyList<SrtpProtectionProfile>? serverProfiles = null,
        int clientMtu = 1200,
        int serverMtu = 1200,
        DtlsFingerprint? clientExpects = null,
        DtlsFingerprint? serverExpects = null,
        string? clientCipherList = null)
    {
        Client = new DtlsTransport(new DtlsTransportOptions
        {
            Role = DtlsRole.Client,
            Certificate = ClientCertificate,
            RemoteFingerprint = clientExpects ?? DtlsCertificate.Default.Fingerprint,
            SrtpProfiles = clientProfiles ?? DtlsSrtpProfiles.Default,
            Mtu = clientMtu,
            AutoTimer = false,
            CipherListOverride = clientCipherList,
        }, d => Enqueue(d, fromClient: true));
        Server = new DtlsTransport(new DtlsTransportOptions
        {
            Role = DtlsRole.Server,
            Certificate = DtlsCertificate.Default,
            RemoteFingerprint = serverExpects ?? ClientCertificate.Fingerprint,
            SrtpProfiles = serverProfiles ?? DtlsSrtpProfiles.Default,
            Mtu = serverMtu,
            AutoTimer = false,
        }, d => Enqueue(d, fromClient: false));
        Client.Connected += k => ClientKeys = k;
        Server.Connected += k => ServerKeys = k;
        Client.Failed += r => ClientFailure = r;
        Server.Failed += r => ServerFailure = r;
        Client.Closed += () => ClientClosedEvents++;
        Server.Closed += () => ServerClosedEvents++;
    }

    public DtlsTransport Client { get; }
    public DtlsTransport Server { get; }
    public List<byte[]> ClientSent { get; } = new();
    public List<byte[]> ServerSent { get; } = new();
    public DtlsSrtpKeyingMaterial? ClientKeys { get; private set; }
    public DtlsSrtpKeyingMaterial? ServerKeys { get; private set; }
    public string? ClientFailure { get; private set; }
    public string? ServerFailure { get; private set; }
    public int ClientClosedEvents { get; private set; }
    public int ServerClosedEvents { get; private set; }

    /// <summary>Return true to drop a datagram (arguments: sent by client?, the datagram).</summary>
    public Func<bool, byte[], bool>? Drop { get; set; }

    public bool BothConnected => Client.State == DtlsState.Connected && Server.State == DtlsState.Connected;

    public bool Settled => Client.State is not (DtlsState.New or DtlsState.Connecting)
                           && Server.State is not (DtlsState.New or DtlsState.Connecting);

    public void Start()
    {
        Server.Start();
        Client.Start();
    }

    /// <summary>Delivers queued datagrams until both queues are empty.</summary>
    public void Pump()
    {
        for (int guard = 0; guard < 10_000; guard++)
        {
            byte[]? next;
            bool toServer;
            lock (_toServer)
            {
                if (_toServer.Count > 0) { next = _toServer.Dequeue(); toServer = true; }
                else if (_toClient.Count > 0) { next = _toClient.Dequeue(); toServer = false; }
                else return;
            }
            (toServer ? Server : Client).HandleDatagram(next);
        }
        throw new InvalidOperationException("datagram ping-pong did not stop");
    }

    /// <summary>Start + pump, no timers: a loss-free handshake needs none.</summary>
    public void Handshake()
    {
        Start();
        Pump();
    }

    /// <summary>
    /// Pumps and, while either side is still connecting, waits for the earliest reported DTLS timeout and calls
    /// <see cref="DtlsTransport.HandleTimeout"/> on both. Returns the number of timer rounds.
    /// </summary>
    public int PumpWithTimers(TimeSpan limit, Action? afterTimers = null)
    {
        var deadline = DateTime.UtcNow + limit;
        int rounds = 0;
        Pump();
        while (!Settled && DateTime.UtcNow < deadline)
        {
            var wait = Min(Client.GetTimeout(), Server.GetTimeout());
            if (wait is null) break;
            // Wait for the protocol timer OpenSSL reports (real clock), not a fixed delay.
            if (wait > TimeSpan.Zero) Thread.Sleep(wait.Value + TimeSpan.FromMilliseconds(1));
            Client.HandleTimeout();
            Server.HandleTimeout();
            rounds++;
            afterTimers?.Invoke();
            Pump();
        }
        return rounds;
    }

    public void Dispose()
    {
        Client.Dispose();
        Server.Dispose();
    }

    private static TimeSpan? Min(TimeSpan? a, TimeSpan? b)
        => a is null ? b : b is null ? a : (a < b ? a : b);

    private void Enqueue(ReadOnlySpan<byte> datagram, bool fromClient)
    {
        var copy = datagram.ToArray();
        lock (_toServer)
        {
            (fromClient ? ClientSent : ServerSent).Add(copy);
            if (Drop?.Invoke(fromClient, copy) == true) return;
            (fromClient ? _toServer : _toClient).Enqueue(copy);
        }
    }
}
