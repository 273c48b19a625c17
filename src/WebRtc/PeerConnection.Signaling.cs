using System.Net;
using WebRtcBridge.WebRtc.Dtls;
using WebRtcBridge.WebRtc.Ice;
using WebRtcBridge.WebRtc.Media;
using WebRtcBridge.WebRtc.Sdp;
using WebRtcBridge.WebRtc.Session;
using WebRtcBridge.WebRtc.Srtp;

namespace WebRtcBridge.WebRtc;

// Offer/answer in both roles, and the ICE/DTLS wiring they set up (RFC 8829 JSEP, RFC 8445, RFC 5763).
public sealed partial class PeerConnection
{
    /// <summary>Client role: our offer (full controlling ICE, a=setup:actpass, our host candidates).</summary>
    public Task<string> CreateOfferAsync()
    {
        lock (_gate)
        {
            ThrowIfClosed();
            if (_role != Role.None) throw new InvalidOperationException("a description was already applied");
            var consentMs = (long)_options.ConsentTimeout.TotalMilliseconds;
            var agent = new IceControllingAgent(_ufrag, _pwd, options: new IceControllingOptions
            {
                ConsentTimeoutMs = consentMs,
                ConsentIntervalMs = (int)Math.Clamp(consentMs / 5, 200, 5000), // RFC 7675: several checks per timeout
                ChecksTimeoutMs = (long)_options.IceConnectTimeout.TotalMilliseconds,
            });
            foreach (var c in _localCandidates)
                if (_options.AnnouncedAddress is null || !c.Address.Equals(_options.AnnouncedAddress.ToString())) agent.AddLocalCandidate(c);
            agent.StateChanged += OnControllingStateChanged;
            _controlling = agent;
            _role = Role.Offerer;
            return Task.FromResult(SdpOfferBuilder.Build(LocalParameters()).ToString());
        }
    }

    /// <summary>
    /// Server role: applies the offer and returns our answer (ICE-lite, a=setup:passive unless the offer is passive).
    /// Throws <see cref="SdpNegotiationException"/> naming what is missing (VP8, rtcp-mux, fingerprint, ...) or
    /// <see cref="SdpException"/> for malformed SDP.
    /// </summary>
    public Task<string> AcceptOfferAsync(string offerSdp)
    {
        ArgumentNullException.ThrowIfNull(offerSdp);
        string sdp;
        lock (_gate)
        {
            ThrowIfClosed();
            if (_role != Role.None) throw new InvalidOperationException("a description was already applied");
            var answer = SdpAnswerBuilder.Build(offerSdp, LocalParameters());
            var negotiated = answer.Negotiated;
            var lite = new IceLiteAgent(_ufrag, _pwd, negotiated.RemoteIceUfrag)
            {
                RemotePassword = negotiated.RemoteIcePwd,
                ConsentTimeoutMs = (long)_options.ConsentTimeout.TotalMilliseconds,
                ConnectTimeoutMs = (long)_options.IceConnectTimeout.TotalMilliseconds,
            };
            var dtls = CreateDtls(negotiated);
            lite.StateChanged += OnLiteStateChanged;
            lite.SelectedEndpointChanged += OnRemoteEndPointSelected;
            _lite = lite;
            _negotiated = negotiated;
            _role = Role.Answerer;
            sdp = answer.Sdp;
        }
        SetState(PeerConnectionState.Connecting);
        StartLoop();
        return Task.FromResult(sdp);
    }

    /// <summary>Client role: applies the server's answer and starts ICE checks. Throws <see cref="SdpException"/>.</summary>
    public Task SetRemoteAnswerAsync(string answerSdp)
    {
        ArgumentNullException.ThrowIfNull(answerSdp);
        lock (_gate)
        {
            ThrowIfClosed();
            if (_role != Role.Offerer || _negotiated is not null) throw new InvalidOperationException("call CreateOfferAsync first, and apply one answer");
            var negotiated = SdpOfferBuilder.ParseAnswer(answerSdp);
            var dtls = CreateDtls(negotiated);
            _negotiated = negotiated;
            lock (_iceGate)
            {
                var agent = _controlling!;
                agent.SetRemoteCredentials(negotiated.RemoteIceUfrag, negotiated.RemoteIcePwd);
                foreach (var c in negotiated.RemoteCandidates) agent.AddRemoteCandidate(c);
                foreach (var c in _pendingRemoteCandidates) agent.AddRemoteCandidate(c);
                _pendingRemoteCandidates.Clear();
                if (negotiated.RemoteEndOfCandidates || _pendingEndOfCandidates) agent.SetRemoteEndOfCandidates();
            }
        }
        SetState(PeerConnectionState.Connecting);
        StartLoop();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Adds a trickled remote candidate ("candidate:…" with or without "a="); null or "" = end-of-candidates.
    /// Only the client role uses them (a lite answerer learns the peer's address from its checks, RFC 8445 §2.5).
    /// Unparseable candidates are ignored.
    /// </summary>
    public void AddRemoteCandidate(string? candidate)
    {
        lock (_iceGate)
        {
            if (string.IsNullOrWhiteSpace(candidate))
            {
                if (_controlling is not null && _negotiated is not null) _controlling.SetRemoteEndOfCandidates();
                else _pendingEndOfCandidates = true;
                return;
            }
            var text = candidate.Trim();
            if (text.StartsWith("a=", StringComparison.Ordinal)) text = text[2..];
            if (!text.StartsWith("candidate:", StringComparison.Ordinal)) text = "candidate:" + text;
            if (!IceCandidate.TryParse(text, out var parsed) || parsed is null) return;
            if (_controlling is not null && _negotiated is not null) _controlling.AddRemoteCandidate(parsed);
            else if (_pendingRemoteCandidates.Count < MaxPendingRemoteCandidates) _pendingRemoteCandidates.Add(parsed);
        }
    }

    private SdpLocalParameters LocalParameters()
    {
        var fingerprint = _certificate.Fingerprint;
        return new SdpLocalParameters
        {
            IceUfrag = _ufrag,
            IcePwd = _pwd,
            FingerprintAlgorithm = fingerprint.Algorithm,
            Fingerprint = fingerprint.Value,
            Candidates = _localCandidates,
            Ssrc = _localSsrc,
            Cname = _cname,
        };
    }

    private DtlsTransport CreateDtls(NegotiatedVideo negotiated)
    {
        if (!DtlsFingerprint.TryParse(negotiated.RemoteFingerprintAlgorithm + " " + negotiated.RemoteFingerprint, out var remote) || remote is null)
            throw new SdpNegotiationException($"unsupported DTLS fingerprint '{negotiated.RemoteFingerprintAlgorithm}'");
        if (!DtlsFingerprint.IsStrongAlgorithm(remote.Algorithm))
            throw new SdpNegotiationException($"DTLS fingerprint '{remote.Algorithm}' is too weak: sha-256, sha-384 or sha-512 is required");
        var dtls = new DtlsTransport(new DtlsTransportOptions
        {
            Role = negotiated.LocalSetup == DtlsSetupRole.Passive ? DtlsRole.Server : DtlsRole.Client,
            RemoteFingerprint = remote,
            Certificate = _certificate,
            HandshakeTimeout = _options.DtlsHandshakeTimeout,
            AutoTimer = false, // the loop's tick drives retransmissions: no timer threads
        }, SendToRemote);
        dtls.Connected += OnDtlsConnected;
        dtls.Failed += reason => Fail("DTLS failed: " + reason);
        dtls.Closed += OnDtlsClosed;
        _dtls = dtls;
        return dtls;
    }

    // ---- ICE / DTLS events (raised on the loop thread) -----------------------------------------------------

    private void OnRemoteEndPointSelected(IPEndPoint endPoint)
    {
        _remoteAddress = endPoint.Serialize();
        StartDtlsOnce();
    }

    // DTLS starts once ICE has a path (RFC 8842 §4): its handshake timeout then measures DTLS alone, not ICE gathering.
    private void StartDtlsOnce()
    {
        if (_dtls is { State: DtlsState.New } dtls) dtls.Start();
    }

    private void OnLiteStateChanged(IceState state)
    {
        if (state == IceState.Failed)
        {
            // Before media: ICE never selected a path, or it did and the DTLS handshake never completed on it.
            if (_media is null && _dtls?.State != DtlsState.Connected)
                Fail(_remoteAddress is null ? "ICE: no valid connectivity check within the connect timeout"
                    : "DTLS failed: no completed handshake within the connect timeout");
            else Fail("ICE consent expired (no check from the peer)");
        }
    }

    private void OnControllingStateChanged(IceState state)
    {
        if (state == IceState.Connected && _controlling?.SelectedPair is { } pair && _remoteAddress is null)
        {
            _remoteAddress = pair.RemoteEndPoint.Serialize();
            StartDtlsOnce();
        }
        else if (state == IceState.Failed)
        {
            Fail(_remoteAddress is null ? "ICE: connectivity checks failed" : "ICE consent expired (no response from the peer)");
        }
    }

    private void OnDtlsConnected(DtlsSrtpKeyingMaterial keys)
    {
        var negotiated = _negotiated!;
        SrtpSession? srtp = null;
        try
        {
            // RFC 5764 §4.2: keys exported by DTLS; the DTLS client writes with the client key.
            srtp = SrtpSession.Create(keys.Profile, keys.Material, localIsDtlsClient: keys.Role == DtlsRole.Client);
            _lite?.ConfirmSelectedPath(); // DTLS completed over the selected address: from now on media moves only to verified ones
            _media = new MediaSession(srtp, negotiated, _options, _localSsrc, _cname, SendToRemote)
            {
                FrameReceived = RaiseFrameReceived,
                EncodedFrameReceived = RaiseEncodedFrameReceived,
                KeyFrameRequested = RaiseKeyFrameRequested,
            };
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.Security.Cryptography.CryptographicException)
        {
            srtp?.Dispose();
            Fail("SRTP setup failed: " + e.Message);
            return;
        }
        SetState(PeerConnectionState.Connected);
    }

    private void OnDtlsClosed()
    {
        bool local;
        lock (_gate) local = _closeStarted;
        if (!local) SetState(PeerConnectionState.Disconnected, "the peer closed DTLS (close_notify)");
    }

    private void RaiseFrameReceived(VideoFrame frame)
    {
        var handler = FrameReceived;
        if (handler is null) { frame.Dispose(); return; }
        try { handler(frame); }
        catch (Exception) { Interlocked.Increment(ref _handlerErrors); }
    }

    private void RaiseEncodedFrameReceived(EncodedFrameInfo info)
    {
        try { EncodedFrameReceived?.Invoke(info); }
        catch (Exception) { Interlocked.Increment(ref _handlerErrors); }
    }

    private void RaiseKeyFrameRequested()
    {
        try { KeyFrameRequested?.Invoke(); }
        catch (Exception) { Interlocked.Increment(ref _handlerErrors); }
    }

    private void ThrowIfClosed()
    {
        ObjectDisposedException.ThrowIf(_closeStarted, this);
    }
}
