using System.Buffers;
using System.Runtime.InteropServices;
using WebRtcBridge.WebRtc.Native;
using WebRtcBridge.WebRtc.Srtp;
using static WebRtcBridge.WebRtc.Native.OpenSslConstants;

namespace WebRtcBridge.WebRtc.Dtls;

/// <summary>
/// One DTLS 1.2 association with use_srtp (RFC 6347, RFC 5764) over OpenSSL 3 and memory BIOs (docs/webrtc-stack.md#dtls-srtp-over-openssl).
/// Feed incoming DTLS datagrams to <see cref="HandleDatagram"/>; outgoing datagrams (whole records, at most
/// <see cref="DtlsTransportOptions.Mtu"/> bytes) go to the sender. After the handshake the peer certificate is checked
/// against the SDP fingerprint and <see cref="Connected"/> carries the SRTP profile and keying material.
/// Thread-safe: one lock around OpenSSL; the sender and the events run outside it.
/// </summary>
public sealed unsafe class DtlsTransport : IDisposable
{
    /// <summary>Failure reason when the peer certificate does not hash to the SDP fingerprint.</summary>
    public const string FingerprintMismatchReason = "remote certificate fingerprint does not match the SDP";

    /// <summary>Failure reason when the handshake is not done within <see cref="DtlsTransportOptions.HandshakeTimeout"/>.</summary>
    public const string HandshakeTimeoutReason = "DTLS handshake timed out";

    private const int ReadBufferSize = 2048;
    private const int MaxIncomingDatagram = 65535;
    private const int MaxOutgoingBytes = 1 << 20; // far above any flight; beyond this the write BIO is discarded

    private static ReadOnlySpan<byte> ExporterLabel => "EXTRACTOR-dtls_srtp"u8; // RFC 5764 §4.2

    private readonly object _gate = new();
    private readonly DtlsTransportOptions _options;
    private readonly DtlsDatagramSender _sender;
    private readonly TimeProvider _time;
    private readonly SslHandle _ssl;
    private readonly IntPtr _rbio; // owned by _ssl
    private readonly IntPtr _wbio; // owned by _ssl
    private readonly int _mtu;
    private ITimer? _timer;
    private long _startTimestamp;
    private DtlsState _state;
    private bool _disposed;

    private long _datagramsIn;
    private long _datagramsOut;
    private long _retransmissions;
    private long _malformed;
    private long _ignored;
    private long _sendFailures;
    private long _applicationData;
    private long _timerErrors;

    /// <summary>Creates the OpenSSL session (not started yet). Throws <see cref="DtlsException"/> on bad options or OpenSSL errors.</summary>
    public DtlsTransport(DtlsTransportOptions options, DtlsDatagramSender sender)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sender);
        if (options.RemoteFingerprint is null) throw new DtlsException("a remote fingerprint is required");
        if (options.Mtu < 256 || options.Mtu > 16384) throw new DtlsException($"MTU {options.Mtu} is outside 256..16384");
        if (options.HandshakeTimeout <= TimeSpan.Zero) throw new DtlsException("the handshake timeout must be positive");
        if (options.InitialRetransmitTimeout <= TimeSpan.Zero || options.InitialRetransmitTimeout > TimeSpan.FromSeconds(60))
            throw new DtlsException("the initial retransmit timeout must be in (0, 60 s]");
        string profiles = DtlsSrtpProfiles.ToOpenSslList(options.SrtpProfiles);

        _options = options;
        _sender = sender;
        _time = options.TimeProvider ?? TimeProvider.System;
        _mtu = options.Mtu;
        var certificate = options.Certificate ?? DtlsCertificate.Default;
        LocalFingerprint = certificate.Fingerprint;

        OpenSslErrors.Clear();
        _ssl = OpenSsl.SSL_new(certificate.Context.Handle);
        if (_ssl.IsInvalid)
        {
            _ssl.Dispose();
            throw new DtlsException(OpenSslErrors.Drain("SSL_new failed"));
        }
        try
        {
            (_rbio, _wbio) = AttachMemoryBios(_ssl);
            Check(OpenSsl.SSL_ctrl(_ssl, SSL_CTRL_SET_MTU, new CLong(_mtu), IntPtr.Zero).Value != 0, "SSL_set_mtu failed");
            Check(OpenSsl.SSL_ctrl(_ssl, DTLS_CTRL_SET_LINK_MTU, new CLong(_mtu), IntPtr.Zero).Value != 0, "DTLS_set_link_mtu failed");
            Check(OpenSsl.SSL_set_tlsext_use_srtp(_ssl, profiles) == 0, "SSL_set_tlsext_use_srtp failed");
            if (options.CipherListOverride is not null)
                Check(OpenSsl.SSL_set_cipher_list(_ssl, options.CipherListOverride) == 1, "SSL_set_cipher_list failed");
            long initialUs = (long)options.InitialRetransmitTimeout.TotalMicroseconds;
            Check(OpenSsl.SSL_set_ex_data(_ssl, SSL_APP_DATA_INDEX, checked((IntPtr)Math.Max(1, initialUs))) == 1, "SSL_set_ex_data failed");
            OpenSsl.DTLS_set_timer_cb(_ssl, DtlsContext.RetransmitTimerPointer);
            if (options.Role == DtlsRole.Server) OpenSsl.SSL_set_accept_state(_ssl);
            else OpenSsl.SSL_set_connect_state(_ssl);
        }
        catch
        {
            _ssl.Dispose();
            throw;
        }
    }

    /// <summary>Raised once when the handshake is done and the fingerprint matched; carries profile, keys and role.</summary>
    public event Action<DtlsSrtpKeyingMaterial>? Connected;

    /// <summary>Raised once with the failure reason (OpenSSL error text, fingerprint mismatch, handshake timeout).</summary>
    public event Action<string>? Failed;

    /// <summary>Raised once when the transport closes: close_notify received (<see cref="ClosedByPeer"/>) or <see cref="Close"/>.</summary>
    public event Action? Closed;

    public DtlsRole Role => _options.Role;

    public DtlsState State { get { lock (_gate) return _state; } }

    /// <summary>Why the transport failed; null unless <see cref="State"/> is Failed.</summary>
    public string? FailureReason { get; private set; }

    /// <summary>True when the peer sent close_notify.</summary>
    public bool ClosedByPeer { get; private set; }

    /// <summary>Our certificate's fingerprint (for our SDP).</summary>
    public DtlsFingerprint LocalFingerprint { get; }

    /// <summary>Fingerprint of the certificate the peer presented, once the handshake is done.</summary>
    public DtlsFingerprint? RemoteCertificateFingerprint { get; private set; }

    /// <summary>The SRTP keys once <see cref="State"/> is Connected.</summary>
    public DtlsSrtpKeyingMaterial? KeyingMaterial { get; private set; }

    /// <summary>Datagrams passed to <see cref="HandleDatagram"/>.</summary>
    public long DatagramsIn => Interlocked.Read(ref _datagramsIn);

    /// <summary>Datagrams handed to the sender.</summary>
    public long DatagramsOut => Interlocked.Read(ref _datagramsOut);

    /// <summary>Timer expiries that made OpenSSL resend a flight.</summary>
    public long Retransmissions => Interlocked.Read(ref _retransmissions);

    /// <summary>Incoming datagrams that were not whole DTLS records; dropped before OpenSSL.</summary>
    public long MalformedDatagrams => Interlocked.Read(ref _malformed);

    /// <summary>Incoming datagrams dropped because the transport was not started, closed, failed or disposed.</summary>
    public long IgnoredDatagrams => Interlocked.Read(ref _ignored);

    /// <summary>Sender calls that threw (the datagram is lost, as with UDP).</summary>
    public long SendFailures => Interlocked.Read(ref _sendFailures);

    /// <summary>Application-data reads after the handshake (we carry no SCTP; the bytes are discarded).</summary>
    public long ApplicationDataReads => Interlocked.Read(ref _applicationData);

    /// <summary>Exceptions caught on the automatic timer thread (from event handlers or the sender).</summary>
    public long TimerErrors => Interlocked.Read(ref _timerErrors);

    /// <summary>Starts the handshake: the client sends its ClientHello, the server waits for one. Call once, before feeding datagrams.</summary>
    public void Start()
    {
        var effects = new Effects();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_state != DtlsState.New) throw new DtlsException($"cannot start a DTLS transport in state {_state}");
            _state = DtlsState.Connecting;
            _startTimestamp = _time.GetTimestamp();
            OpenSslErrors.Clear();
            if (Role == DtlsRole.Client) Drive(ref effects);
            if (_options.AutoTimer)
                _timer = _time.CreateTimer(static s => ((DtlsTransport)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            CollectOutgoing(ref effects);
            Reschedule();
        }
        Publish(ref effects);
    }

    /// <summary>
    /// Processes one incoming DTLS datagram (first byte 20..63, RFC 7983). Never throws for bad input: malformed
    /// datagrams are counted and dropped, protocol errors fail the transport.
    /// </summary>
    public void HandleDatagram(ReadOnlySpan<byte> datagram)
    {
        Interlocked.Increment(ref _datagramsIn);
        if (datagram.Length > MaxIncomingDatagram || !DtlsRecords.IsWellFormedDatagram(datagram))
        {
            Interlocked.Increment(ref _malformed);
            return;
        }
        var effects = new Effects();
        lock (_gate)
        {
            if (_disposed || _state is not (DtlsState.Connecting or DtlsState.Connected))
            {
                Interlocked.Increment(ref _ignored);
                return;
            }
            OpenSslErrors.Clear();
            int written;
            fixed (byte* p = datagram) written = OpenSslCrypto.BIO_write(_rbio, p, datagram.Length);
            if (written != datagram.Length)
            {
                OpenSslErrors.Clear();
                Interlocked.Increment(ref _ignored);
                return;
            }
            Drive(ref effects);
            // Everything written should have been consumed; never let a leftover merge with the next datagram.
            if (OpenSslCrypto.BIO_ctrl_pending(_rbio) != 0)
                OpenSslCrypto.BIO_ctrl(_rbio, BIO_CTRL_RESET, new CLong(0), IntPtr.Zero);
            CollectOutgoing(ref effects);
            Reschedule();
        }
        Publish(ref effects);
    }

    /// <summary>
    /// Time until <see cref="HandleTimeout"/> should be called (retransmission or handshake deadline), or null when no
    /// timer is needed (not started, connected, closed, failed).
    /// </summary>
    public TimeSpan? GetTimeout()
    {
        lock (_gate) return GetTimeoutLocked();
    }

    /// <summary>
    /// Timer work (DTLSv1_handle_timeout): resends the last flight when OpenSSL's retransmission timer expired, and fails
    /// the transport with <see cref="HandshakeTimeoutReason"/> once the handshake deadline passed. Safe to call any time.
    /// </summary>
    public void HandleTimeout()
    {
        var effects = new Effects();
        lock (_gate)
        {
            if (_disposed || _state != DtlsState.Connecting) return;
            if (_time.GetElapsedTime(_startTimestamp) >= _options.HandshakeTimeout)
            {
                Fail(ref effects, HandshakeTimeoutReason);
            }
            else
            {
                OpenSslErrors.Clear();
                long result = OpenSsl.SSL_ctrl(_ssl, DTLS_CTRL_HANDLE_TIMEOUT, new CLong(0), IntPtr.Zero).Value;
                if (result < 0)
                {
                    // -1: too many retransmissions (DTLS1_TMO_ALERT_COUNT) or a write error.
                    Fail(ref effects, OpenSslErrors.Drain("DTLS retransmission failed"));
                }
                else
                {
                    CollectOutgoing(ref effects);
                    if (result > 0 && effects.OutLength > 0) Interlocked.Increment(ref _retransmissions);
                }
            }
            Reschedule();
        }
        Publish(ref effects);
    }

    /// <summary>Sends close_notify (when connected) and moves to Closed; raises <see cref="Closed"/>.</summary>
    public void Close()
    {
        var effects = new Effects();
        lock (_gate)
        {
            if (_disposed || _state is DtlsState.Closed or DtlsState.Failed) return;
            if (_state == DtlsState.Connected)
            {
                OpenSslErrors.Clear();
                OpenSsl.SSL_shutdown(_ssl); // RFC 5246 §7.2.1 close_notify; 0 = sent, waiting for the peer's
                OpenSslErrors.Clear();
                CollectOutgoing(ref effects);
            }
            _state = DtlsState.Closed;
            effects.Closed = true;
            Reschedule();
        }
        Publish(ref effects);
    }

    /// <summary>Frees the SSL (and with it both BIOs) and the timer. Raises no events.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _timer?.Dispose();
            _timer = null;
            _ssl.Dispose();
            if (_state is DtlsState.New or DtlsState.Connecting or DtlsState.Connected) _state = DtlsState.Closed;
        }
    }

    // ---- under the lock ----------------------------------------------------------------------------------------

    /// <summary>Runs the handshake or, once connected, reads records (alerts, close_notify, stray application data).</summary>
    private void Drive(ref Effects effects)
    {
        if (_state == DtlsState.Connecting)
        {
            int r = OpenSsl.SSL_do_handshake(_ssl);
            if (r != 1)
            {
                int error = OpenSsl.SSL_get_error(_ssl, r);
                if (error is SSL_ERROR_WANT_READ or SSL_ERROR_WANT_WRITE)
                {
                    OpenSslErrors.Clear();
                    return;
                }
                if (error == SSL_ERROR_ZERO_RETURN)
                    Fail(ref effects, OpenSslErrors.Drain("DTLS peer closed the connection during the handshake"));
                else
                    Fail(ref effects, OpenSslErrors.Drain("DTLS handshake failed"));
                return;
            }
            CompleteHandshake(ref effects);
            if (_state != DtlsState.Connected) return;
        }
        if (_state == DtlsState.Connected) ReadRecords(ref effects);
    }

    /// <summary>Handshake done (docs/webrtc-stack.md#dtls-srtp-over-openssl): fingerprint (RFC 8122 §5), profile, exporter (RFC 5764 §4.2).</summary>
    private void CompleteHandshake(ref Effects effects)
    {
        var expected = _options.RemoteFingerprint;
        using (var peer = OpenSsl.SSL_get1_peer_certificate(_ssl))
        {
            if (peer.IsInvalid)
            {
                FailAndNotify(ref effects, OpenSslErrors.Drain("DTLS peer sent no certificate"));
                return;
            }
            RemoteCertificateFingerprint = Digest(peer, expected.Algorithm);
        }
        if (!RemoteCertificateFingerprint.Equals(expected))
        {
            FailAndNotify(ref effects, FingerprintMismatchReason);
            return;
        }

        IntPtr selected = OpenSsl.SSL_get_selected_srtp_profile(_ssl);
        if (selected == IntPtr.Zero)
        {
            FailAndNotify(ref effects, "DTLS peer did not negotiate use_srtp (RFC 5764)");
            return;
        }
        // SRTP_PROTECTION_PROFILE = { const char* name; unsigned long id; }
        ulong id = ((CULong*)(selected + IntPtr.Size))->Value;
        if (!DtlsSrtpProfiles.IsSupported(id))
        {
            FailAndNotify(ref effects, $"DTLS peer selected unsupported SRTP profile 0x{id:X4}");
            return;
        }
        var profile = (SrtpProtectionProfile)id;
        var material = new byte[2 * (DtlsSrtpProfiles.KeyLength(profile) + DtlsSrtpProfiles.SaltLength(profile))];
        int ok;
        fixed (byte* output = material)
        fixed (byte* label = ExporterLabel)
        {
            ok = OpenSsl.SSL_export_keying_material(_ssl, output, (nuint)material.Length, label, (nuint)ExporterLabel.Length,
                null, 0, 0);
        }
        if (ok != 1)
        {
            FailAndNotify(ref effects, OpenSslErrors.Drain("SSL_export_keying_material failed"));
            return;
        }
        KeyingMaterial = new DtlsSrtpKeyingMaterial(profile, Role, material);
        _state = DtlsState.Connected;
        effects.Connected = KeyingMaterial;
    }

    private void ReadRecords(ref Effects effects)
    {
        byte* buffer = stackalloc byte[ReadBufferSize];
        for (int i = 0; i < 64; i++)
        {
            int r = OpenSsl.SSL_read(_ssl, buffer, ReadBufferSize);
            if (r > 0)
            {
                Interlocked.Increment(ref _applicationData);
                continue;
            }
            int error = OpenSsl.SSL_get_error(_ssl, r);
            if (error is SSL_ERROR_WANT_READ or SSL_ERROR_WANT_WRITE)
            {
                OpenSslErrors.Clear();
                return;
            }
            if (error == SSL_ERROR_ZERO_RETURN || (OpenSsl.SSL_get_shutdown(_ssl) & SSL_RECEIVED_SHUTDOWN) != 0)
            {
                OpenSsl.SSL_shutdown(_ssl); // answer with our own close_notify (RFC 5246 §7.2.1)
                OpenSslErrors.Clear();
                ClosedByPeer = true;
                _state = DtlsState.Closed;
                effects.Closed = true;
                return;
            }
            Fail(ref effects, OpenSslErrors.Drain("DTLS error"));
            return;
        }
    }

    private TimeSpan? GetTimeoutLocked()
    {
        if (_disposed || _state != DtlsState.Connecting) return null;
        var remaining = _options.HandshakeTimeout - _time.GetElapsedTime(_startTimestamp);
        if (remaining <= TimeSpan.Zero) return TimeSpan.Zero;
        Timeval tv;
        if (OpenSsl.SSL_ctrl(_ssl, DTLS_CTRL_GET_TIMEOUT, new CLong(0), (IntPtr)(&tv)).Value == 1)
        {
            var retransmit = TimeSpan.FromSeconds((long)tv.Sec.Value) + TimeSpan.FromMicroseconds((long)tv.Usec.Value);
            if (retransmit < remaining) return retransmit;
        }
        return remaining;
    }

    private void Reschedule()
    {
        if (_timer is null) return;
        var due = GetTimeoutLocked();
        _timer.Change(due ?? Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Moves everything OpenSSL wrote into a pooled buffer; <see cref="Publish"/> cuts it into datagrams.</summary>
    private void CollectOutgoing(ref Effects effects)
    {
        nuint pending = OpenSslCrypto.BIO_ctrl_pending(_wbio);
        if (pending == 0) return;
        if (pending > MaxOutgoingBytes)
        {
            OpenSslCrypto.BIO_ctrl(_wbio, BIO_CTRL_RESET, new CLong(0), IntPtr.Zero);
            return;
        }
        int needed = effects.OutLength + (int)pending;
        if (effects.Out is null || effects.Out.Length < needed)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(needed);
            if (effects.Out is not null)
            {
                effects.Out.AsSpan(0, effects.OutLength).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(effects.Out);
            }
            effects.Out = bigger;
        }
        fixed (byte* p = &effects.Out[effects.OutLength])
        {
            int read = OpenSslCrypto.BIO_read(_wbio, p, (int)pending);
            if (read > 0) effects.OutLength += read;
        }
    }

    private void Fail(ref Effects effects, string reason)
    {
        if (_state is DtlsState.Failed or DtlsState.Closed) return;
        FailureReason = reason;
        _state = DtlsState.Failed;
        effects.Failed = reason;
    }

    /// <summary>Fails after a completed handshake, telling the peer with close_notify so it stops too.</summary>
    private void FailAndNotify(ref Effects effects, string reason)
    {
        OpenSsl.SSL_shutdown(_ssl);
        OpenSslErrors.Clear();
        Fail(ref effects, reason);
    }

    private static DtlsFingerprint Digest(X509Handle certificate, string algorithm)
    {
        IntPtr md = algorithm switch
        {
            "sha-1" => OpenSslCrypto.EVP_sha1(),
            "sha-256" => OpenSslCrypto.EVP_sha256(),
            "sha-384" => OpenSslCrypto.EVP_sha384(),
            _ => OpenSslCrypto.EVP_sha512(),
        };
        byte* hash = stackalloc byte[64];
        uint length = 64;
        if (OpenSslCrypto.X509_digest(certificate, md, hash, &length) != 1)
            throw new DtlsException(OpenSslErrors.Drain("X509_digest failed"));
        return DtlsFingerprint.FromHash(algorithm, new ReadOnlySpan<byte>(hash, (int)length));
    }

    private static (IntPtr Read, IntPtr Write) AttachMemoryBios(SslHandle ssl)
    {
        IntPtr rbio = OpenSslCrypto.BIO_new(OpenSslCrypto.BIO_s_mem());
        IntPtr wbio = OpenSslCrypto.BIO_new(OpenSslCrypto.BIO_s_mem());
        if (rbio == IntPtr.Zero || wbio == IntPtr.Zero)
        {
            if (rbio != IntPtr.Zero) _ = OpenSslCrypto.BIO_free(rbio);
            if (wbio != IntPtr.Zero) _ = OpenSslCrypto.BIO_free(wbio);
            throw new DtlsException(OpenSslErrors.Drain("BIO_new failed"));
        }
        // An empty read BIO must say "retry" (WANT_READ), not EOF.
        OpenSslCrypto.BIO_ctrl(rbio, BIO_C_SET_BUF_MEM_EOF_RETURN, new CLong(-1), IntPtr.Zero);
        OpenSsl.SSL_set_bio(ssl, rbio, wbio); // the SSL owns both from here on
        return (rbio, wbio);
    }

    private static void Check(bool ok, string what)
    {
        if (!ok) throw new DtlsException(OpenSslErrors.Drain(what));
    }

    // ---- outside the lock ---------------------------------------------------------------------------------------

    /// <summary>Sends collected records packed whole into datagrams of at most the MTU, then raises events.</summary>
    private void Publish(ref Effects effects)
    {
        if (effects.Out is not null)
        {
            try
            {
                var pending = new ReadOnlySpan<byte>(effects.Out, 0, effects.OutLength);
                while (!pending.IsEmpty)
                {
                    int length = DtlsRecords.NextDatagramLength(pending, _mtu);
                    if (length == 0) break; // OpenSSL always writes whole records; nothing sane to send
                    try
                    {
                        _sender(pending[..length]);
                    }
                    catch (Exception)
                    {
                        Interlocked.Increment(ref _sendFailures);
                    }
                    Interlocked.Increment(ref _datagramsOut);
                    pending = pending[length..];
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(effects.Out);
                effects.Out = null;
            }
        }
        if (effects.Connected is not null) Connected?.Invoke(effects.Connected);
        if (effects.Failed is not null) Failed?.Invoke(effects.Failed);
        if (effects.Closed) Closed?.Invoke();
    }

    private void OnTimer()
    {
        try
        {
            HandleTimeout();
        }
        catch (Exception)
        {
            Interlocked.Increment(ref _timerErrors);
        }
    }

    /// <summary>What a locked step produced: bytes to send and events to raise once the lock is released.</summary>
    private struct Effects
    {
        public byte[]? Out;
        public int OutLength;
        public DtlsSrtpKeyingMaterial? Connected;
        public string? Failed;
        public bool Closed;
    }

    /// <summary><c>struct timeval</c>: two C longs.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Timeval
    {
        public CLong Sec;
        public CLong Usec;
    }
}
