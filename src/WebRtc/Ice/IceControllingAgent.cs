using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace WebRtcBridge.WebRtc.Ice;

/// <summary>
/// Minimal full ICE agent in the controlling role, for our client talking to a lite server (RFC 8445 §6–8,
/// docs/webrtc-stack.md#controlling-ice-agent). One component (rtcp-mux), UDP only, host candidates given by the caller.
/// <para>Nomination is <b>regular</b> (RFC 8445 §8.1.1): checks carry no USE-CANDIDATE; the first pair that
/// becomes valid is re-checked with USE-CANDIDATE, and its success makes the agent Connected. Only one pair is
/// ever nominated, so a lite server (which follows the latest USE-CANDIDATE) and we always agree.</para>
/// <para>Consent (RFC 7675): on the selected pair, one Binding request every 0.8–1.2 × 5 s; each consent request is
/// sent once (a new transaction id each time) and Failed follows 30 s without any success response.</para>
/// <para>A 487 (role conflict) response fails the pair and is counted in <see cref="RoleConflicts"/>: we never switch
/// to controlled (RFC 8445 §7.2.5.1), since against a lite server a 487 can only mean a bug on our side.</para>
/// <para>No timers or sockets: <see cref="Tick"/> returns what to send,
/// <see cref="HandleStunMessage(ReadOnlySpan{byte}, IPEndPoint, long)"/> takes what
/// arrived. A full peer's own checks (e.g. aiortc answering our offer) are answered through the
/// <c>HandleStunMessage</c> overload that takes a response buffer (RFC 8445 §7.3). Not thread-safe.</para>
/// </summary>
public sealed class IceControllingAgent
{
    private enum Kind { Check, Nomination, Consent }

    private sealed class Transaction
    {
        public readonly byte[] Id = new byte[StunConstants.TransactionIdLength];
        public readonly byte[] Buffer = new byte[640]; // USERNAME up to 513 bytes + the rest
        public int Length;
        public IceCandidatePair Pair = null!;
        public Kind Kind;
        public bool Active;
        public int Transmissions;
        public long DueMs;
        public long RtoMs;
    }

    private const int MaxLocalCandidates = 8;
    private const int MaxRemoteCandidates = 32;
    private const int ConsentSlots = 4;

    private readonly IceControllingOptions _options;
    private readonly Random _random;
    private readonly byte[] _localPwdKey;
    private byte[]? _remotePwdKey;
    private string? _username; // "remoteUfrag:localUfrag"
    private readonly List<(IceCandidate Candidate, IPEndPoint EndPoint)> _local = new();
    private readonly List<(IceCandidate Candidate, IPEndPoint EndPoint)> _remote = new();
    private readonly List<IceCandidatePair> _pairs = new();
    private readonly Transaction[] _transactions;
    private readonly List<IceOutgoingDatagram> _out = new();
    private IceCandidatePair? _nominating;
    private long _checkingStartMs, _nextPacedMs, _nextConsentMs, _lastConsentOkMs;
    private long _newSinceMs = long.MinValue;

    /// <summary>Creates an agent; missing credentials and tie-breaker are generated randomly.</summary>
    /// <param name="localUfrag">Our ICE ufrag, or null for a random one.</param>
    /// <param name="localPwd">Our ICE password, or null for a random one.</param>
    /// <param name="tieBreaker">Our ICE-CONTROLLING tie-breaker, or null for a random one.</param>
    /// <param name="options">Timing and pacing; null for the defaults.</param>
    /// <param name="random">Source for consent jitter only (inject a seeded one in tests).</param>
    public IceControllingAgent(string? localUfrag = null, string? localPwd = null, ulong? tieBreaker = null,
        IceControllingOptions? options = null, Random? random = null)
    {
        LocalUfrag = localUfrag ?? IceCredentials.NewUfrag();
        LocalPwd = localPwd ?? IceCredentials.NewPwd();
        if (!IceCredentials.IsValid(LocalUfrag, 4)) throw new ArgumentException("ufrag must be 4..256 ice-chars", nameof(localUfrag));
        if (!IceCredentials.IsValid(LocalPwd, 22)) throw new ArgumentException("pwd must be 22..256 ice-chars", nameof(localPwd));
        TieBreaker = tieBreaker ?? IceCredentials.NewTieBreaker();
        _options = options ?? new IceControllingOptions();
        _random = random ?? Random.Shared;
        _localPwdKey = Encoding.UTF8.GetBytes(LocalPwd);
        _transactions = new Transaction[_options.MaxPairs + 1 + ConsentSlots];
    }

    /// <summary>Our ufrag (a=ice-ufrag of our offer).</summary>
    public string LocalUfrag { get; }
    /// <summary>Our password (a=ice-pwd of our offer).</summary>
    public string LocalPwd { get; }
    /// <summary>ICE-CONTROLLING tie-breaker.</summary>
    public ulong TieBreaker { get; }
    /// <summary>Current state.</summary>
    public IceState State { get; private set; } = IceState.New;
    /// <summary>The nominated pair once Connected.</summary>
    public IceCandidatePair? SelectedPair { get; private set; }
    /// <summary>All pairs, in creation order.</summary>
    public IReadOnlyList<IceCandidatePair> Pairs => _pairs;
    /// <summary>True once the peer signalled end-of-candidates.</summary>
    public bool RemoteEndOfCandidates { get; private set; }
    /// <summary>Raised on every state change.</summary>
    public event Action<IceState>? StateChanged;

    /// <summary>Requests sent for the first time (checks, nominations, consent).</summary>
    public long RequestsSent { get; private set; }
    /// <summary>Retransmissions sent.</summary>
    public long Retransmissions { get; private set; }
    /// <summary>Datagrams that were not a well-formed STUN response or matched no transaction.</summary>
    public long DroppedUnmatched { get; private set; }
    /// <summary>Responses dropped for a bad FINGERPRINT or MESSAGE-INTEGRITY.</summary>
    public long DroppedBadIntegrity { get; private set; }
    /// <summary>Binding requests dropped (bad FINGERPRINT, USERNAME or MESSAGE-INTEGRITY, or no response buffer).</summary>
    public long IgnoredRequests { get; private set; }
    /// <summary>A full peer's checks answered with a success response (RFC 8445 §7.3).</summary>
    public long RequestsAnswered { get; private set; }
    /// <summary>487 responses received (a bug on our side against a lite server).</summary>
    public long RoleConflicts { get; private set; }
    /// <summary>Remote candidates ignored (tcp, unresolved FQDN/mDNS, other component, duplicates, over the limit).</summary>
    public long IgnoredRemoteCandidates { get; private set; }

    /// <summary>Sets the peer's a=ice-ufrag / a=ice-pwd.</summary>
    public void SetRemoteCredentials(string ufrag, string pwd)
    {
        ArgumentException.ThrowIfNullOrEmpty(ufrag);
        ArgumentException.ThrowIfNullOrEmpty(pwd);
        _username = ufrag + ":" + LocalUfrag;
        _remotePwdKey = Encoding.UTF8.GetBytes(pwd);
    }

    /// <summary>Adds a local host candidate (it must carry an IP address); pairs with known remote candidates.</summary>
    public void AddLocalCandidate(IceCandidate candidate)
    {
        var ep = candidate.EndPoint ?? throw new ArgumentException("local candidate needs an IP address", nameof(candidate));
        if (_local.Count >= MaxLocalCandidates) throw new InvalidOperationException($"at most {MaxLocalCandidates} local candidates");
        _local.Add((candidate, ep));
        foreach (var r in _remote) TryAddPair(candidate, ep, r.Candidate, r.EndPoint);
    }

    /// <summary>
    /// Adds a remote candidate from the answer or trickle. Returns false (and counts) when ignored: tcp,
    /// component other than 1, FQDN/mDNS names (no resolver here), duplicates, or limits reached.
    /// </summary>
    public bool AddRemoteCandidate(IceCandidate candidate)
    {
        var ep = candidate.EndPoint;
        if (!candidate.IsUdp || candidate.Component != 1 || ep is null || _remote.Count >= MaxRemoteCandidates)
        {
            IgnoredRemoteCandidates++;
            return false;
        }
        foreach (var r in _remote)
            if (r.EndPoint.Equals(ep)) { IgnoredRemoteCandidates++; return false; }
        _remote.Add((candidate, ep));
        foreach (var l in _local) TryAddPair(l.Candidate, l.EndPoint, candidate, ep);
        return true;
    }

    /// <summary>The peer sent a=end-of-candidates: once every pair failed, the agent fails without waiting.</summary>
    public void SetRemoteEndOfCandidates() => RemoteEndOfCandidates = true;

    /// <summary>Closes the agent; nothing more is sent.</summary>
    public void Close()
    {
        foreach (var t in _transactions) if (t != null) t.Active = false;
        if (State != IceState.Closed) SetState(IceState.Closed);
    }

    /// <summary>
    /// The earliest time (ms) at which <see cref="Tick"/> has something to do, or null when idle. A caller may sleep
    /// until then (or until a datagram arrives).
    /// </summary>
    public long? NextDueMs
    {
        get
        {
            if (State is IceState.Failed or IceState.Closed) return null;
            long due = long.MaxValue;
            foreach (var t in _transactions) if (t is { Active: true } && t.DueMs < due) due = t.DueMs;
            if (State == IceState.Checking)
            {
                due = Math.Min(due, _checkingStartMs + _options.ChecksTimeoutMs);
                if (_nominating is null && HasWaitingPair()) due = Math.Min(due, _nextPacedMs);
            }
            if (State == IceState.Connected)
                due = Math.Min(due, Math.Min(_nextConsentMs, _lastConsentOkMs + _options.ConsentTimeoutMs));
            if (State == IceState.New && _remotePwdKey != null)
                return _pairs.Count > 0 || _newSinceMs == long.MinValue ? 0 : _newSinceMs + _options.ChecksTimeoutMs;
            return due == long.MaxValue ? null : due;
        }
    }

    /// <summary>
    /// Advances the agent to <paramref name="nowMs"/> and returns the datagrams to send now. The returned list and
    /// its buffers are reused: consume them before the next call into the agent.
    /// </summary>
    public IReadOnlyList<IceOutgoingDatagram> Tick(long nowMs)
    {
        _out.Clear();
        if (State is IceState.Failed or IceState.Closed) return _out;
        if (State == IceState.New)
        {
            if (_remotePwdKey is null) return _out;
            if (_pairs.Count == 0)
            {
                // Nothing to check (e.g. only tcp/mDNS candidates): fail once the peer said it has no more, or at the timeout.
                if (_newSinceMs == long.MinValue) _newSinceMs = nowMs;
                if ((RemoteEndOfCandidates && _local.Count > 0) || nowMs - _newSinceMs >= _options.ChecksTimeoutMs) Fail();
                return _out;
            }
            _checkingStartMs = nowMs;
            _nextPacedMs = nowMs;
            SetState(IceState.Checking);
        }

        if (State == IceState.Checking && _nominating is null && nowMs >= _nextPacedMs)
        {
            // Paced new checks, highest pair priority first (RFC 8445 §6.1.4.2).
            var next = BestPair(IceCandidatePairState.Waiting);
            if (next != null)
            {
                next.State = IceCandidatePairState.InProgress;
                Start(next, Kind.Check, nowMs);
                _nextPacedMs = nowMs + _options.PacingIntervalMs;
            }
        }
        else if (State == IceState.Connected)
        {
            if (nowMs - _lastConsentOkMs >= _options.ConsentTimeoutMs) { Fail(); return _out; } // RFC 7675 §5.1
            if (nowMs >= _nextConsentMs)
            {
                Start(SelectedPair!, Kind.Consent, nowMs);
                _nextConsentMs = nowMs + NextConsentInterval();
            }
        }

        // Retransmissions, first transmissions of scheduled requests, and timeouts (RFC 8489 §6.2.1).
        foreach (var t in _transactions)
        {
            if (t is not { Active: true } || t.DueMs > nowMs) continue;
            int max = t.Kind == Kind.Consent ? 1 : _options.MaxTransmissions;
            if (t.Transmissions < max)
            {
                if (t.Transmissions == 0) RequestsSent++; else Retransmissions++;
                t.Transmissions++;
                _out.Add(new IceOutgoingDatagram(t.Pair.LocalEndPoint, t.Pair.RemoteEndPoint, t.Buffer.AsMemory(0, t.Length)));
                if (t.Kind == Kind.Consent) t.DueMs = nowMs + 2L * _options.ConsentIntervalMs; // keep matching late answers
                else if (t.Transmissions < max) { t.DueMs = nowMs + t.RtoMs; t.RtoMs *= 2; }
                else t.DueMs = nowMs + (long)_options.FinalWaitMultiplier * _options.InitialRtoMs;
            }
            else
            {
                t.Active = false;
                if (t.Kind != Kind.Consent) PairFailed(t.Pair, nowMs);
            }
        }

        if (State == IceState.Checking)
        {
            if (nowMs - _checkingStartMs >= _options.ChecksTimeoutMs) Fail();
            else if (RemoteEndOfCandidates && AllPairsFailed()) Fail();
        }
        return _out;
    }

    /// <summary>
    /// Handles a STUN datagram received from <paramref name="from"/>. Returns true when it answered one of our
    /// requests. Responses must match a transaction id, verify MESSAGE-INTEGRITY with the remote pwd (and
    /// FINGERPRINT when present) and come from the pair's remote end point (RFC 8445 §7.2.5.2.1). Call
    /// <see cref="Tick"/> afterwards: a nomination request may be ready to send. Never throws for bad input.
    /// </summary>
    public bool HandleStunMessage(ReadOnlySpan<byte> datagram, IPEndPoint from, long nowMs)
    {
        if (State is IceState.Failed or IceState.Closed || _remotePwdKey is null) { DroppedUnmatched++; return false; }
        if (!StunMessage.TryParse(datagram, out var msg)) { DroppedUnmatched++; return false; }
        if (msg.IsRequest) { IgnoredRequests++; return false; }
        return HandleResponse(ref msg, from, nowMs);
    }

    /// <summary>
    /// Like <see cref="HandleStunMessage(ReadOnlySpan{byte}, IPEndPoint, long)"/>, and also answers a full peer's
    /// own checks (RFC 8445 §7.3: a full agent must respond to Binding requests, or the peer never validates a
    /// pair). When <paramref name="responseLength"/> &gt; 0, send <paramref name="responseBuffer"/>[..responseLength]
    /// to <paramref name="from"/>. Requests failing FINGERPRINT, USERNAME ("ourUfrag:theirUfrag") or
    /// MESSAGE-INTEGRITY (our pwd) are dropped silently. Never throws for bad input.
    /// </summary>
    public bool HandleStunMessage(ReadOnlySpan<byte> datagram, IPEndPoint from, long nowMs, Span<byte> responseBuffer, out int responseLength)
    {
        responseLength = 0;
        if (State is IceState.Failed or IceState.Closed || _remotePwdKey is null) { DroppedUnmatched++; return false; }
        if (!StunMessage.TryParse(datagram, out var msg)) { DroppedUnmatched++; return false; }
        if (!msg.IsRequest) return HandleResponse(ref msg, from, nowMs);
        // RFC 8445 §7.1: connectivity checks MUST carry FINGERPRINT; without it a corrupted check could be answered.
        if (msg.MessageType != StunMessageType.BindingRequest || responseBuffer.Length < 256
            || !msg.HasFingerprint || !msg.VerifyFingerprint() || !msg.HasUsername || !msg.HasMessageIntegrity
            || !IsOurUsername(msg.UsernameBytes) || !msg.VerifyMessageIntegrity(_localPwdKey))
        {
            IgnoredRequests++;
            return false;
        }
        // RFC 8445 §7.3.1.4: success response with XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY (our pwd), FINGERPRINT.
        var w = new StunMessageWriter(responseBuffer, StunMessageType.BindingSuccessResponse, msg.TransactionId);
        w.AddXorMappedAddress(from);
        w.AddMessageIntegrity(_localPwdKey);
        w.AddFingerprint();
        responseLength = w.Length;
        RequestsAnswered++;
        return true;
    }

    // RFC 8445 §7.2.2: the peer's checks carry USERNAME "ourUfrag:theirUfrag".
    private bool IsOurUsername(ReadOnlySpan<byte> user)
    {
        var ufrag = LocalUfrag;
        if (user.Length <= ufrag.Length + 1 || user[ufrag.Length] != (byte)':') return false;
        for (int i = 0; i < ufrag.Length; i++)
            if (user[i] != (byte)ufrag[i]) return false;
        return true;
    }

    private bool HandleResponse(ref StunMessage msg, IPEndPoint from, long nowMs)
    {
        var t = FindTransaction(msg.TransactionId);
        if (t is null || (msg.MessageType != StunMessageType.BindingSuccessResponse && msg.MessageType != StunMessageType.BindingErrorResponse))
        {
            DroppedUnmatched++;
            return false;
        }
        // RFC 8489 §9.1.4: discard responses whose integrity fails (unsigned 400/401 included: they could be forged;
        // the transaction then simply times out).
        if ((msg.HasFingerprint && !msg.VerifyFingerprint()) || !msg.VerifyMessageIntegrity(_remotePwdKey))
        {
            DroppedBadIntegrity++;
            return false;
        }
        t.Active = false;
        var pair = t.Pair;
        if (!from.Equals(pair.RemoteEndPoint))
        {
            if (t.Kind != Kind.Consent) PairFailed(pair, nowMs); // non-symmetric (RFC 8445 §7.2.5.2.1)
            return true;
        }
        if (msg.MessageType == StunMessageType.BindingErrorResponse)
        {
            if (msg.ErrorCode == StunErrorCode.RoleConflict) RoleConflicts++; // RFC 8445 §7.2.5.1; cannot happen with a lite peer
            if (t.Kind != Kind.Consent) PairFailed(pair, nowMs);
            return true;
        }
        switch (t.Kind)
        {
            case Kind.Check:
                pair.State = IceCandidatePairState.Succeeded;
                if (_nominating is null && State == IceState.Checking) Nominate(pair, nowMs);
                break;
            case Kind.Nomination:
                pair.State = IceCandidatePairState.Succeeded;
                _nominating = null;
                if (State == IceState.Checking)
                {
                    SelectedPair = pair;
                    foreach (var other in _transactions)
                        if (other is { Active: true, Kind: Kind.Check }) other.Active = false; // stop checking
                    _lastConsentOkMs = nowMs;
                    _nextConsentMs = nowMs + NextConsentInterval();
                    SetState(IceState.Connected);
                }
                break;
            case Kind.Consent:
                if (pair == SelectedPair) _lastConsentOkMs = Math.Max(_lastConsentOkMs, nowMs);
                break;
        }
        return true;
    }

    private void Nominate(IceCandidatePair pair, long nowMs)
    {
        _nominating = pair;
        Start(pair, Kind.Nomination, nowMs);
    }

    private void PairFailed(IceCandidatePair pair, long nowMs)
    {
        pair.State = IceCandidatePairState.Failed;
        if (_nominating == pair)
        {
            _nominating = null;
            var other = BestPair(IceCandidatePairState.Succeeded);
            if (other != null) Nominate(other, nowMs);
        }
    }

    // Builds a Binding request for the pair (RFC 8445 §7.1) and schedules its first transmission now.
    private void Start(IceCandidatePair pair, Kind kind, long nowMs)
    {
        var t = FreeTransaction(kind);
        RandomNumberGenerator.Fill(t.Id);
        var w = new StunMessageWriter(t.Buffer, StunMessageType.BindingRequest, t.Id);
        w.AddText(StunAttributeType.Username, _username);
        w.AddUInt32(StunAttributeType.Priority, IceCandidate.ComputePriority(IceCandidateType.PeerReflexive, (int)((pair.Local.Priority >> 8) & 0xFFFF)));
        w.AddUInt64(StunAttributeType.IceControlling, TieBreaker);
        if (kind == Kind.Nomination) w.AddFlag(StunAttributeType.UseCandidate);
        w.AddMessageIntegrity(_remotePwdKey);
        w.AddFingerprint();
        t.Length = w.Length;
        t.Pair = pair;
        t.Kind = kind;
        t.Active = true;
        t.Transmissions = 0;
        t.DueMs = nowMs;
        t.RtoMs = _options.InitialRtoMs;
        // First transmission by the transaction scan of this Tick (or the next one when started from a response).
    }

    private Transaction FreeTransaction(Kind kind)
    {
        Transaction? oldestConsent = null;
        for (int i = 0; i < _transactions.Length; i++)
        {
            var t = _transactions[i];
            if (t is null) return _transactions[i] = new Transaction();
            if (!t.Active) return t;
            if (t.Kind == Kind.Consent)
            {
                if (oldestConsent is null || t.DueMs < oldestConsent.DueMs) oldestConsent = t;
            }
        }
        // Table full: only possible through consent requests piling up; reuse the oldest one.
        if (oldestConsent != null) return oldestConsent;
        throw new InvalidOperationException("transaction table full"); // unreachable: one check per pair at most
    }

    private Transaction? FindTransaction(ReadOnlySpan<byte> id)
    {
        foreach (var t in _transactions)
            if (t is { Active: true } && id.SequenceEqual(t.Id)) return t;
        return null;
    }

    private void TryAddPair(IceCandidate local, IPEndPoint localEp, IceCandidate remote, IPEndPoint remoteEp)
    {
        if (Normalize(localEp.Address).AddressFamily != Normalize(remoteEp.Address).AddressFamily) return;
        if (_pairs.Count >= _options.MaxPairs) return;
        _pairs.Add(new IceCandidatePair(local, localEp, remote, remoteEp));
    }

    private static IPAddress Normalize(IPAddress a) => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a;

    private IceCandidatePair? BestPair(IceCandidatePairState state)
    {
        IceCandidatePair? best = null;
        foreach (var p in _pairs)
            if (p.State == state && (best is null || p.Priority > best.Priority)) best = p;
        return best;
    }

    private bool HasWaitingPair() => BestPair(IceCandidatePairState.Waiting) != null;

    private bool AllPairsFailed()
    {
        foreach (var p in _pairs) if (p.State != IceCandidatePairState.Failed) return false;
        return true;
    }

    private long NextConsentInterval() => _options.ConsentIntervalMs * (long)_random.Next(800, 1201) / 1000;

    private void Fail()
    {
        foreach (var t in _transactions) if (t != null) t.Active = false;
        SetState(IceState.Failed);
    }

    private void SetState(IceState state)
    {
        State = state;
        StateChanged?.Invoke(state);
    }
}
