using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using WebRtcBridge.WebRtc.Dtls;
using WebRtcBridge.WebRtc.Ice;
using WebRtcBridge.WebRtc.Media;
using WebRtcBridge.WebRtc.Native;
using WebRtcBridge.WebRtc.Sdp;
using WebRtcBridge.WebRtc.Session;
using WebRtcBridge.WebRtc.Transport;

namespace WebRtcBridge.WebRtc;

/// <summary>
/// One bundled VP8 video connection, W3C-shaped, in either role: answerer (ICE-lite server, <see cref="AcceptOfferAsync"/>)
/// or offerer (full controlling ICE client, <see cref="CreateOfferAsync"/> + <see cref="SetRemoteAnswerAsync"/>).
/// One UDP socket, one loop thread demultiplexing per RFC 7983 (STUN → ICE, DTLS → OpenSSL, SRTP/SRTCP → media)
/// with a 10 ms timer tick; <see cref="SendFrame"/> is thread-safe and never waits for the network.
/// </summary>
public sealed partial class PeerConnection : IAsyncDisposable, IDisposable
{
    private enum Role { None, Answerer, Offerer }

    private readonly PeerConnectionOptions _options;
    private readonly UdpTransport _transport;
    private readonly List<IceCandidate> _localCandidates = new();
    private readonly string[] _localCandidateLines;
    private readonly string _ufrag = IceCredentials.NewUfrag();
    private readonly string _pwd = IceCredentials.NewPwd();
    private readonly uint _localSsrc = NewSsrc();
    private readonly string _cname = RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", 16);
    private readonly object _gate = new();      // signaling and state
    private readonly object _iceGate = new();   // the controlling agent (trickle from the app meets the loop)
    private readonly List<IceCandidate> _pendingRemoteCandidates = new();
    private const int MaxPendingRemoteCandidates = 32;
    private bool _pendingEndOfCandidates;
    private Role _role;
    private NegotiatedVideo? _negotiated;
    private IceLiteAgent? _lite;
    private IceControllingAgent? _controlling;
    private DtlsTransport? _dtls;
    private volatile MediaSession? _media;
    private volatile SocketAddress? _remoteAddress;
    private PeerConnectionState _state = PeerConnectionState.New;
    private bool _closeStarted;
    private long _framesNotSent, _handlerErrors;
    private readonly DtlsCertificateProvider _certificates;
    private readonly DtlsCertificate _certificate; // leased for this connection's lifetime

    /// <summary>
    /// Binds the socket and prepares credentials and candidates. Throws <see cref="DllNotFoundException"/> (naming the
    /// Debian package) when libssl or libvpx is missing, <see cref="SocketException"/> when no port can be bound.
    /// </summary>
    public PeerConnection(PeerConnectionOptions? options = null)
    {
        _options = options ?? new PeerConnectionOptions();
        _ = new FrameSizeGuard(_options.MaxFrameWidth, _options.MaxFrameHeight, _options.MaxSizeChangesPerMinute); // validates the limits now, not at connect
        NativeLibraries.Load(NativeLibraries.Ssl);
        NativeLibraries.Load(NativeLibraries.Crypto);
        NativeLibraries.Load(NativeLibraries.Vpx);
        _transport = new UdpTransport(_options.BindAddress, _options.MinPort, _options.MaxPort);
        int port = _transport.LocalEndPoint.Port;
        int i = 0;
        foreach (var address in _options.HostAddresses)
        {
            if (address.AddressFamily != _transport.AddressFamily || i >= 7) continue;
            _localCandidates.Add(IceCandidate.CreateHost(new IPEndPoint(address, port), (i + 1).ToString(CultureInfo.InvariantCulture), 65535 - i));
            i++;
        }
        if (_options.AnnouncedAddress is { } announced && !_options.HostAddresses.Contains(announced))
            _localCandidates.Add(IceCandidate.CreateHost(new IPEndPoint(announced, port), (i + 1).ToString(CultureInfo.InvariantCulture), 65535 - i));
        _localCandidateLines = new string[_localCandidates.Count];
        for (int k = 0; k < _localCandidates.Count; k++) _localCandidateLines[k] = _localCandidates[k].ToString();
        _certificates = _options.Certificates ?? DtlsCertificateProvider.Shared;
        try { _certificate = _certificates.Acquire(); }
        catch
        {
            _transport.Dispose();
            throw;
        }
    }

    /// <summary>Fingerprint of the DTLS certificate this connection uses (in its SDP).</summary>
    public DtlsFingerprint LocalFingerprint => _certificate.Fingerprint;

    /// <summary>The candidate lines ("candidate:…", no "a=") of our SDP, for trickling to the peer.</summary>
    public IReadOnlyList<string> LocalCandidates => _localCandidateLines;

    /// <summary>The bound UDP endpoint.</summary>
    public IPEndPoint LocalEndPoint => _transport.LocalEndPoint;

    /// <summary>Current connection state.</summary>
    public PeerConnectionState ConnectionState { get { lock (_gate) return _state; } }

    /// <summary>Why the connection failed or disconnected, or null.</summary>
    public string? FailureReason { get; private set; }

    /// <summary>Raised on every state change (from the loop thread, or the closing thread for Closed).</summary>
    public event Action<PeerConnectionState>? ConnectionStateChanged;

    /// <summary>A decoded frame with RtpTimestamp and receive Timestamp (<see cref="Environment.TickCount64"/> ms). The handler owns it and must Dispose it.</summary>
    public event Action<VideoFrame>? FrameReceived;

    /// <summary>A complete frame was assembled (raised even with <see cref="PeerConnectionOptions.DecodeIncoming"/> false).</summary>
    public event Action<EncodedFrameInfo>? EncodedFrameReceived;

    /// <summary>The peer asked us for a keyframe (PLI/FIR); the next <see cref="SendFrame"/> encodes one anyway.</summary>
    public event Action? KeyFrameRequested;

    /// <summary>Test hook: drop or tap datagrams on this connection's socket (see <see cref="DatagramFilter"/>).</summary>
    internal DatagramFilter? Filter
    {
        get => _transport.Filter;
        set => _transport.Filter = value;
    }

    /// <summary>Our ICE username fragment and password (tests use them to authenticate a probe socket).</summary>
    internal (string Ufrag, string Pwd) LocalIceCredentials => (_ufrag, _pwd);

    /// <summary>Encode, packetize, protect and send (the caller keeps <paramref name="frame"/>). Dropped (and counted) until connected.</summary>
    public void SendFrame(VideoFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var media = _media;
        if (media is null) { Interlocked.Increment(ref _framesNotSent); return; }
        media.SendFrame(frame, _sendAdaptation);
    }

    /// <summary>Packetize, protect and send a pre-encoded VP8 frame (load clients replaying a stream).</summary>
    public void SendEncodedFrame(ReadOnlySpan<byte> vp8Frame, uint rtpTimestamp, bool isKeyFrame)
    {
        var media = _media;
        if (media is null) { Interlocked.Increment(ref _framesNotSent); return; }
        media.SendEncodedFrame(vp8Frame, rtpTimestamp, isKeyFrame);
    }

    /// <summary>Ask the remote sender for a keyframe (PLI, throttled).</summary>
    public void RequestKeyFrame() => _media?.RequestRemoteKeyFrame();

    /// <summary>A snapshot of the counters (webrtc-stats names).</summary>
    public PeerConnectionStats GetStats()
    {
        long malformed = Interlocked.Read(ref _malformedDatagrams) + (_lite?.DroppedMalformed ?? 0) + (_lite?.DroppedBadFingerprint ?? 0);
        var dtls = _dtls;
        if (dtls is not null) malformed += dtls.MalformedDatagrams;
        var s = new PeerConnectionStats
        {
            State = ConnectionState,
            MalformedPackets = malformed,
            UnknownSourceDrops = Interlocked.Read(ref _unknownSource),
            DatagramsReceived = _transport.DatagramsReceived,
            DatagramsSent = _transport.DatagramsSent,
            FramesNotSent = Interlocked.Read(ref _framesNotSent),
            StunUnauthenticatedDrops = _lite?.DroppedUnauthenticated ?? 0,
            StunReplayDrops = _lite?.ReplayedRequests ?? 0,
            NominationsDeferred = _lite?.NominationsDeferred ?? 0,
        };
        var media = _media;
        return media is null ? s : media.AddStats(s);
    }

    /// <summary>Sends RTCP BYE and DTLS close_notify, frees socket, thread and native contexts. Idempotent.</summary>
    public Task CloseAsync()
    {
        if (Thread.CurrentThread == _loopThread) return Task.Run(CloseCore); // from an event handler: the loop must exit first
        CloseCore();
        return Task.CompletedTask;
    }

    /// <summary>Same as <see cref="CloseAsync"/>.</summary>
    public void Dispose() => _ = CloseAsync();

    /// <summary>Same as <see cref="CloseAsync"/>.</summary>
    public ValueTask DisposeAsync() => new(CloseAsync());

    private void CloseCore()
    {
        lock (_gate)
        {
            if (_closeStarted) return;
            _closeStarted = true;
        }
        StopLoop();
        var media = _media;
        try { media?.Close(); } catch (ObjectDisposedException) { }
        _dtls?.Close();
        _lite?.Close();
        lock (_iceGate) _controlling?.Close();
        media?.Dispose();
        _dtls?.Dispose();
        _certificates.Release(_certificate);
        _transport.Dispose();
        SetState(PeerConnectionState.Closed);
    }

    private void SetState(PeerConnectionState next, string? reason = null)
    {
        Action<PeerConnectionState>? handler;
        lock (_gate)
        {
            if (_state == next || _state == PeerConnectionState.Closed) return;
            if (_state == PeerConnectionState.Failed && next != PeerConnectionState.Closed) return;
            if (next != PeerConnectionState.Closed && _closeStarted) return;
            _state = next;
            if (reason is not null) FailureReason = reason;
            handler = ConnectionStateChanged;
        }
        if (handler is null) return;
        foreach (var d in handler.GetInvocationList()) // rare event: one throwing subscriber must not silence the others
        {
            try { ((Action<PeerConnectionState>)d)(next); }
            catch (Exception) { Interlocked.Increment(ref _handlerErrors); }
        }
    }

    private void Fail(string reason) => SetState(PeerConnectionState.Failed, reason);

    private static uint NewSsrc()
    {
        uint v;
        do v = (uint)RandomNumberGenerator.GetInt32(int.MinValue, int.MaxValue);
        while (v == 0);
        return v;
    }
}
