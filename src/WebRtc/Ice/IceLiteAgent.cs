using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace WebRtcBridge.WebRtc.Ice;

/// <summary>
/// ICE-lite server agent (RFC 8445 §2.5, §7.3; docs/webrtc-stack.md). It answers Binding requests, learns valid
/// addresses from them, follows USE-CANDIDATE to pick the selected end point and keeps consent per address
/// (RFC 7675): <see cref="IsConsentExpired"/> after <see cref="ConsentTimeoutMs"/> without a fresh valid check from
/// the selected address. Transport-agnostic and clock-agnostic: the caller passes datagrams and the time in ms.
/// <para>Abuse limits: requests that fail authentication are dropped silently (an unauthenticated error response
/// would make us a reflector); a valid request whose transaction id was already seen from another address is a replay
/// and dropped; a retransmission (same id, same address) is answered again but neither refreshes consent nor
/// nominates. Once <see cref="ConfirmSelectedPath"/> says media flows (DTLS completed over the selected address),
/// a nomination of another address moves media only after the peer proved it receives there: we send one Binding
/// request to that address (the check a full agent would have run, RFC 8445 §7.2.5, §7.3.1.5) and switch when its
/// authenticated success response comes back from it. A spoofed source with a valid tag cannot answer, so media stays.</para>
/// Not thread-safe: call from the session's receive loop. Events fire synchronously inside the call.
/// </summary>
public sealed class IceLiteAgent
{
    /// <summary>A response buffer of this size always suffices.</summary>
    public const int MinResponseBufferSize = 256;

    /// <summary>Valid tuples remembered; when full, a non-selected one is replaced round robin (counted in <see cref="TuplesEvicted"/>).</summary>
    public const int MaxValidTuples = 8;

    /// <summary>At most one return-path check per address per this interval (and only in reply to a nomination from it).</summary>
    public const long ReturnPathCheckIntervalMs = 500;

    /// <summary>At most one return-path check per this interval over all addresses: a peer spoofing many sources
    /// cannot turn its nominations into a stream of our requests at third parties (at most 10/s).</summary>
    public const long ReturnPathCheckSpacingMs = 100;

    private readonly byte[] _localPwdKey;
    private readonly byte[] _usernamePrefix; // "localUfrag:"
    private byte[]? _expectedUsername;        // "localUfrag:remoteUfrag" when the remote ufrag is known
    private byte[]? _remotePwdKey;
    private string? _remoteUfrag;
    private readonly ulong _tieBreaker = IceCredentials.NewTieBreaker();
    private readonly IceLiteTuple?[] _tuples = new IceLiteTuple?[MaxValidTuples];
    private readonly StunTransactionCache _seen = new();
    private IceLiteTuple? _selected;
    private IceLiteTuple? _pendingCheck;
    private bool _pathConfirmed;
    private long _lastCheckSentMs = long.MinValue;
    private int _validCount, _nextTupleSlot;
    private long _startMs = long.MinValue;

    /// <summary>Creates an agent; missing credentials are generated (RFC 8445 §5.3 lengths).</summary>
    public IceLiteAgent(string? localUfrag = null, string? localPwd = null, string? remoteUfrag = null)
    {
        LocalUfrag = localUfrag ?? IceCredentials.NewUfrag();
        LocalPwd = localPwd ?? IceCredentials.NewPwd();
        if (!IceCredentials.IsValid(LocalUfrag, 4)) throw new ArgumentException("ufrag must be 4..256 ice-chars", nameof(localUfrag));
        if (!IceCredentials.IsValid(LocalPwd, 22)) throw new ArgumentException("pwd must be 22..256 ice-chars", nameof(localPwd));
        _localPwdKey = Encoding.UTF8.GetBytes(LocalPwd);
        _usernamePrefix = Encoding.UTF8.GetBytes(LocalUfrag + ":");
        RemoteUfrag = remoteUfrag;
    }

    /// <summary>Our ufrag (goes into the answer's a=ice-ufrag).</summary>
    public string LocalUfrag { get; }

    /// <summary>Our password (goes into a=ice-pwd; the MESSAGE-INTEGRITY key both ways).</summary>
    public string LocalPwd { get; }

    /// <summary>
    /// The peer's ufrag from its offer. While null, any "localUfrag:*" USERNAME is accepted. After a remote ICE restart
    /// (new offer, new ufrag) the owner sets the new value; checks with the old one are then dropped.
    /// </summary>
    public string? RemoteUfrag
    {
        get => _remoteUfrag;
        set
        {
            _remoteUfrag = value;
            _expectedUsername = value is null ? null : Encoding.UTF8.GetBytes(LocalUfrag + ":" + value);
        }
    }

    /// <summary>The peer's a=ice-pwd: signs our return-path checks and verifies their responses. Without it (and
    /// <see cref="RemoteUfrag"/>) no address can be verified, so media never moves after <see cref="ConfirmSelectedPath"/>.</summary>
    public string? RemotePassword
    {
        set => _remotePwdKey = value is null ? null : Encoding.UTF8.GetBytes(value);
    }

    /// <summary>Consent timeout (RFC 7675 §5.1): 30 s by default.</summary>
    public long ConsentTimeoutMs { get; set; } = 30_000;

    /// <summary>How long <see cref="Tick"/> waits in New/Checking for a first valid check before Failed.</summary>
    public long ConnectTimeoutMs { get; set; } = 30_000;

    /// <summary>Current state.</summary>
    public IceState State { get; private set; } = IceState.New;

    /// <summary>Where media goes: the USE-CANDIDATE tuple, or the first valid tuple before any nomination.</summary>
    public IPEndPoint? SelectedEndpoint => _selected?.EndPoint;

    /// <summary>True once a USE-CANDIDATE check selected <see cref="SelectedEndpoint"/>.</summary>
    public bool IsNominated { get; private set; }

    /// <summary>True after <see cref="ConfirmSelectedPath"/>: switching now needs a verified address.</summary>
    public bool IsPathConfirmed => _pathConfirmed;

    /// <summary>Time (ms) of the last fresh valid check from the selected address, or null.</summary>
    public long? LastValidCheckMs => _selected is { LastCheckMs: var t } && t != long.MinValue ? t : null;

    /// <summary>Raised on every state change.</summary>
    public event Action<IceState>? StateChanged;

    /// <summary>Raised when <see cref="SelectedEndpoint"/> changes.</summary>
    public event Action<IPEndPoint>? SelectedEndpointChanged;

    /// <summary>Valid checks answered with success (retransmissions included).</summary>
    public long SuccessResponses { get; private set; }
    /// <summary>Datagrams dropped as malformed STUN or not a Binding request/response.</summary>
    public long DroppedMalformed { get; private set; }
    /// <summary>Requests dropped for a missing-but-required or wrong FINGERPRINT.</summary>
    public long DroppedBadFingerprint { get; private set; }
    /// <summary>Requests dropped silently for missing or wrong USERNAME, MESSAGE-INTEGRITY or FINGERPRINT (no 400/401 to an unauthenticated source).</summary>
    public long DroppedUnauthenticated { get; private set; }
    /// <summary>Authenticated requests whose transaction id was already seen from another address (replays), dropped.</summary>
    public long ReplayedRequests { get; private set; }
    /// <summary>Authenticated retransmissions (same id, same address): answered, but no consent refresh or nomination.</summary>
    public long RetransmittedRequests { get; private set; }
    /// <summary>Nominations of an unverified address after the path was confirmed (media stayed until it was verified).</summary>
    public long NominationsDeferred { get; private set; }
    /// <summary>Return-path checks we sent.</summary>
    public long ReturnPathChecksSent { get; private set; }
    /// <summary>Addresses verified by an answered return-path check.</summary>
    public long ReturnPathsVerified { get; private set; }
    /// <summary>Requests answered 400, signed (authenticated but missing PRIORITY or the role attribute).</summary>
    public long BadRequests { get; private set; }
    /// <summary>Requests answered 420 (unknown comprehension-required attribute).</summary>
    public long UnknownAttributes { get; private set; }
    /// <summary>Requests answered 487 (peer claimed ICE-CONTROLLED).</summary>
    public long RoleConflicts { get; private set; }
    /// <summary>Valid tuples forgotten because the table (<see cref="MaxValidTuples"/>) was full.</summary>
    public long TuplesEvicted { get; private set; }
    /// <summary>Requests dropped because the agent is Failed or Closed.</summary>
    public long DroppedInactive { get; private set; }

    /// <summary>
    /// Handles one datagram classified as STUN from <paramref name="from"/>: a Binding request, or the response to one
    /// of our return-path checks. When the result is not <see cref="IceLiteResult.Dropped"/>,
    /// <paramref name="responseBuffer"/>[..responseLength] must be sent to <paramref name="from"/>; then
    /// <see cref="TryTakeReturnPathCheck"/> may have a request for the same address. Never throws for bad input.
    /// Allocation-free except when a new tuple is learned.
    /// </summary>
    public IceLiteResult HandleStunRequest(ReadOnlySpan<byte> datagram, IPEndPoint from, Span<byte> responseBuffer, out int responseLength, long nowMs)
    {
        responseLength = 0;
        if (responseBuffer.Length < MinResponseBufferSize) throw new ArgumentException($"response buffer must hold {MinResponseBufferSize} bytes", nameof(responseBuffer));
        if (State is IceState.Failed or IceState.Closed) { DroppedInactive++; return IceLiteResult.Dropped; }
        if (!StunMessage.TryParse(datagram, out var msg))
        {
            DroppedMalformed++;
            return IceLiteResult.Dropped;
        }
        if (msg.MessageType == StunMessageType.BindingSuccessResponse)
        {
            OnReturnPathResponse(ref msg, from, nowMs);
            return IceLiteResult.Dropped;
        }
        if (msg.MessageType != StunMessageType.BindingRequest)
        {
            DroppedMalformed++; // indications and other methods are not for a lite agent
            return IceLiteResult.Dropped;
        }
        // RFC 8489 §7.3: a FINGERPRINT that does not verify means "not STUN": discard silently.
        if (msg.HasFingerprint && !msg.VerifyFingerprint()) { DroppedBadFingerprint++; return IceLiteResult.Dropped; }
        if (_startMs == long.MinValue) _startMs = nowMs;
        if (State == IceState.New) SetState(IceState.Checking);

        // RFC 8489 §9.1.3 would answer 400 (no USERNAME/MESSAGE-INTEGRITY) or 401 (wrong ones), unsigned, to any source.
        // An ICE agent knows who its peer is (the password went over signaling), so such requests are not from it:
        // drop them silently rather than reflect responses at a spoofed address.
        var user = msg.UsernameBytes;
        bool userOk = _expectedUsername != null ? user.SequenceEqual(_expectedUsername) : user.StartsWith(_usernamePrefix) && user.Length > _usernamePrefix.Length;
        if (!msg.HasFingerprint || !msg.HasUsername || !msg.HasMessageIntegrity || !userOk || !msg.VerifyMessageIntegrity(_localPwdKey))
        {
            DroppedUnauthenticated++;
            return IceLiteResult.Dropped;
        }

        if (msg.UnknownRequiredAttributeCount > 0)
            return Error(ref msg, responseBuffer, out responseLength, StunErrorCode.UnknownAttribute, "Unknown Attribute");
        if (msg.Priority is null or 0 || (msg.IceControlling is null && msg.IceControlled is null))
            return Error(ref msg, responseBuffer, out responseLength, StunErrorCode.BadRequest, "Bad Request");
        // RFC 8445 §7.3.1.1: a lite agent is always controlled; a peer that also claims controlled conflicts.
        if (msg.IceControlled is not null)
            return Error(ref msg, responseBuffer, out responseLength, StunErrorCode.RoleConflict, "Role Conflict");

        var seen = _seen.Find(msg.TransactionId, from);
        if (seen == StunTransactionCache.Match.OtherSource) { ReplayedRequests++; return IceLiteResult.Dropped; }

        // RFC 8445 §7.3.1.4 success response: XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY (our pwd), FINGERPRINT.
        var w = new StunMessageWriter(responseBuffer, StunMessageType.BindingSuccessResponse, msg.TransactionId);
        w.AddXorMappedAddress(from);
        w.AddMessageIntegrity(_localPwdKey);
        w.AddFingerprint();
        responseLength = w.Length;
        SuccessResponses++;
        if (seen == StunTransactionCache.Match.SameSource) { RetransmittedRequests++; return IceLiteResult.Success; }

        var tuple = FindTuple(from) ?? AddTuple(from); // stored copy: callers may reuse their IPEndPoint
        _seen.Add(msg.TransactionId, tuple.EndPoint);
        tuple.LastCheckMs = nowMs; // consent for this address only (RFC 7675)
        if (msg.HasUseCandidate) Nominate(tuple, nowMs);
        else if (_selected is null) Select(tuple); // like mediasoup: the first valid tuple carries media until nomination
        if (State != IceState.Connected) SetState(IceState.Connected);
        return IceLiteResult.Success;
    }

    /// <summary>
    /// After <see cref="HandleStunRequest"/>: true when a return-path check must be sent to the same address; it is
    /// written to <paramref name="buffer"/>[..length] (at least <see cref="MinResponseBufferSize"/> bytes).
    /// </summary>
    public bool TryTakeReturnPathCheck(Span<byte> buffer, out int length)
    {
        length = 0;
        var tuple = _pendingCheck;
        _pendingCheck = null;
        if (tuple is null || _remotePwdKey is null || _remoteUfrag is null) return false;
        if (buffer.Length < MinResponseBufferSize) throw new ArgumentException($"buffer must hold {MinResponseBufferSize} bytes", nameof(buffer));
        // RFC 8445 §7.1, §7.2.2: USERNAME "theirUfrag:ourUfrag", PRIORITY, our role, MESSAGE-INTEGRITY with their pwd.
        var w = new StunMessageWriter(buffer, StunMessageType.BindingRequest, tuple.CheckTransactionId);
        w.AddText(StunAttributeType.Username, _remoteUfrag + ":" + LocalUfrag);
        w.AddUInt32(StunAttributeType.Priority, IceCandidate.ComputePriority(IceCandidateType.PeerReflexive, 65535));
        w.AddUInt64(StunAttributeType.IceControlled, _tieBreaker);
        w.AddMessageIntegrity(_remotePwdKey);
        w.AddFingerprint();
        length = w.Length;
        ReturnPathChecksSent++;
        return true;
    }

    /// <summary>
    /// The owner's signal that media flows over <see cref="SelectedEndpoint"/> (DTLS completed there, which needs the
    /// peer to receive our flights). From now on only a verified address may take over.
    /// </summary>
    public void ConfirmSelectedPath()
    {
        _pathConfirmed = true;
        if (_selected is not null) _selected.Verified = true;
    }

    /// <summary>True when <paramref name="endPoint"/> passed a valid check (accept DTLS/SRTP only from these).</summary>
    public bool IsValidSource(IPEndPoint endPoint) => FindTuple(endPoint) != null;

    /// <summary>
    /// True when the selected address sent no fresh valid check for <see cref="ConsentTimeoutMs"/> (RFC 7675;
    /// mediasoup's 30 s rule). False before the first valid check. Checks from other addresses do not count.
    /// </summary>
    public bool IsConsentExpired(long nowMs) => LastValidCheckMs is long last && nowMs - last >= ConsentTimeoutMs;

    /// <summary>
    /// Advances time: Connected goes to Failed when the selected address's consent expired; other addresses whose
    /// consent expired are forgotten; New/Checking goes to Failed when no valid check arrived within
    /// <see cref="ConnectTimeoutMs"/> of the first call or request.
    /// </summary>
    public void Tick(long nowMs)
    {
        if (_startMs == long.MinValue) _startMs = nowMs;
        if (State == IceState.Connected)
        {
            if (IsConsentExpired(nowMs)) { Fail(); return; }
            for (int i = 0; i < _validCount; i++)
            {
                var t = _tuples[i]!;
                if (t == _selected || nowMs - t.LastCheckMs < ConsentTimeoutMs) continue;
                _tuples[i] = _tuples[--_validCount];
                _tuples[_validCount] = null;
                i--;
            }
        }
        else if (State is IceState.New or IceState.Checking && nowMs - _startMs >= ConnectTimeoutMs) Fail();
    }

    /// <summary>Closes the agent; later requests are dropped.</summary>
    public void Close()
    {
        if (State != IceState.Closed) SetState(IceState.Closed);
    }

    // RFC 8445 §7.3.1.5: the latest nomination wins, but after the path is confirmed only for an address the peer
    // proved it receives on; an unverified one gets a return-path check and waits.
    private void Nominate(IceLiteTuple tuple, long nowMs)
    {
        for (int i = 0; i < _validCount; i++) _tuples[i]!.NominationPending = false;
        if (!_pathConfirmed || tuple.Verified)
        {
            bool changed = !IsNominated || tuple != _selected;
            IsNominated = true;
            if (changed) Select(tuple);
            return;
        }
        tuple.NominationPending = true;
        NominationsDeferred++;
        bool tupleDue = tuple.CheckSentMs == long.MinValue || nowMs - tuple.CheckSentMs >= ReturnPathCheckIntervalMs;
        bool agentDue = _lastCheckSentMs == long.MinValue || nowMs - _lastCheckSentMs >= ReturnPathCheckSpacingMs;
        if (tupleDue && agentDue)
        {
            _lastCheckSentMs = nowMs;
            RandomNumberGenerator.Fill(tuple.CheckTransactionId);
            tuple.CheckSentMs = nowMs;
            _pendingCheck = tuple;
        }
    }

    // RFC 8445 §7.2.5.2.1: the response must match our transaction, verify with the peer's pwd and come from the
    // address the check went to.
    private void OnReturnPathResponse(ref StunMessage msg, IPEndPoint from, long nowMs)
    {
        var tuple = FindTuple(from);
        if (tuple is null || tuple.CheckSentMs == long.MinValue || !msg.TransactionId.SequenceEqual(tuple.CheckTransactionId)
            || _remotePwdKey is null || (msg.HasFingerprint && !msg.VerifyFingerprint()) || !msg.VerifyMessageIntegrity(_remotePwdKey))
        {
            DroppedMalformed++;
            return;
        }
        tuple.CheckSentMs = long.MinValue;
        tuple.Verified = true;
        tuple.LastCheckMs = nowMs; // RFC 7675: an answered check is consent
        ReturnPathsVerified++;
        if (!tuple.NominationPending) return;
        tuple.NominationPending = false;
        IsNominated = true;
        if (tuple != _selected) Select(tuple);
    }

    private void Fail()
    {
        Array.Clear(_tuples);
        _validCount = 0;
        _selected = null;
        SetState(IceState.Failed);
    }

    // Errors to authenticated requests only, signed (RFC 8489 §9.1.3 would leave a 400 unsigned; ours passed integrity).
    private IceLiteResult Error(ref StunMessage request, Span<byte> buffer, out int length, int code, string reason)
    {
        switch (code)
        {
            case StunErrorCode.BadRequest: BadRequests++; break;
            case StunErrorCode.UnknownAttribute: UnknownAttributes++; break;
            case StunErrorCode.RoleConflict: RoleConflicts++; break;
        }
        var w = new StunMessageWriter(buffer, StunMessageType.BindingErrorResponse, request.TransactionId);
        w.AddErrorCode(code, reason);
        if (code == StunErrorCode.UnknownAttribute)
        {
            Span<ushort> unknown = [request.FirstUnknownRequiredAttribute];
            w.AddUnknownAttributes(unknown);
        }
        w.AddMessageIntegrity(_localPwdKey);
        w.AddFingerprint();
        length = w.Length;
        return IceLiteResult.ErrorResponse;
    }

    private IceLiteTuple? FindTuple(IPEndPoint endPoint)
    {
        for (int i = 0; i < _validCount; i++)
            if (endPoint.Equals(_tuples[i]!.EndPoint)) return _tuples[i];
        return null;
    }

    private IceLiteTuple AddTuple(IPEndPoint endPoint)
    {
        var tuple = new IceLiteTuple(new IPEndPoint(endPoint.Address, endPoint.Port));
        if (_validCount < MaxValidTuples) { _tuples[_validCount++] = tuple; return tuple; }
        // Full: replace a non-selected slot, round robin (the selected one always stays valid).
        for (int n = 0; n < MaxValidTuples; n++)
        {
            int slot = _nextTupleSlot;
            _nextTupleSlot = (_nextTupleSlot + 1) % MaxValidTuples;
            if (_tuples[slot] != _selected) { _tuples[slot] = tuple; TuplesEvicted++; return tuple; }
        }
        return tuple; // unreachable with MaxValidTuples > 1
    }

    private void Select(IceLiteTuple tuple)
    {
        _selected = tuple;
        SelectedEndpointChanged?.Invoke(tuple.EndPoint);
    }

    private void SetState(IceState state)
    {
        State = state;
        StateChanged?.Invoke(state);
    }
}
