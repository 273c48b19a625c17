using System.Net;
using System.Text;

namespace WebRtcBridge.WebRtc.Ice;

/// <summary>
/// ICE-lite server agent (RFC 8445 §2.5, §7.3; docs/webrtc-stack.md#ice-lite). It never sends checks: it only answers
/// Binding requests, learns valid 5-tuples from them, follows USE-CANDIDATE to pick the selected end point and
/// watches consent (RFC 7675): <see cref="IsConsentExpired"/> after <see cref="ConsentTimeoutMs"/> without a
/// valid check. Transport-agnostic and clock-agnostic: the caller passes datagrams and the time in ms.
/// Not thread-safe: call from the session's receive loop. Events fire synchronously inside the call.
/// </summary>
public sealed class IceLiteAgent
{
    /// <summary>A response buffer of this size always suffices.</summary>
    public const int MinResponseBufferSize = 256;

    /// <summary>Valid tuples remembered; when full, a non-selected one is replaced round robin (counted in <see cref="TuplesEvicted"/>).</summary>
    public const int MaxValidTuples = 8;

    private readonly byte[] _localPwdKey;
    private readonly byte[] _usernamePrefix; // "localUfrag:"
    private byte[]? _expectedUsername;        // "localUfrag:remoteUfrag" when the remote ufrag is known
    private string? _remoteUfrag;
    private readonly IPEndPoint?[] _validTuples = new IPEndPoint?[MaxValidTuples];
    private int _validCount, _nextTupleSlot;
    private long _lastValidCheckMs = long.MinValue;
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
    /// (new offer, new ufrag) the owner sets the new value; checks with the old one then get 401.
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

    /// <summary>Consent timeout (RFC 7675 §5.1): 30 s by default.</summary>
    public long ConsentTimeoutMs { get; set; } = 30_000;

    /// <summary>How long <see cref="Tick"/> waits in New/Checking for a first valid check before Failed.</summary>
    public long ConnectTimeoutMs { get; set; } = 30_000;

    /// <summary>Current state.</summary>
    public IceState State { get; private set; } = IceState.New;

    /// <summary>Where media goes: the USE-CANDIDATE tuple, or the first valid tuple before any nomination.</summary>
    public IPEndPoint? SelectedEndpoint { get; private set; }

    /// <summary>True once a USE-CANDIDATE check selected <see cref="SelectedEndpoint"/>.</summary>
    public bool IsNominated { get; private set; }

    /// <summary>Time (ms) of the last valid check, or null.</summary>
    public long? LastValidCheckMs => _lastValidCheckMs == long.MinValue ? null : _lastValidCheckMs;

    /// <summary>Raised on every state change.</summary>
    public event Action<IceState>? StateChanged;

    /// <summary>Raised when <see cref="SelectedEndpoint"/> changes.</summary>
    public event Action<IPEndPoint>? SelectedEndpointChanged;

    /// <summary>Valid checks answered with success.</summary>
    public long SuccessResponses { get; private set; }
    /// <summary>Datagrams dropped as malformed STUN or not a Binding request.</summary>
    public long DroppedMalformed { get; private set; }
    /// <summary>Requests dropped for a missing-but-required or wrong FINGERPRINT.</summary>
    public long DroppedBadFingerprint { get; private set; }
    /// <summary>Requests answered 400 (missing USERNAME/MESSAGE-INTEGRITY/PRIORITY/role).</summary>
    public long BadRequests { get; private set; }
    /// <summary>Requests answered 401 (wrong USERNAME or MESSAGE-INTEGRITY).</summary>
    public long Unauthorized { get; private set; }
    /// <summary>Requests answered 420 (unknown comprehension-required attribute).</summary>
    public long UnknownAttributes { get; private set; }
    /// <summary>Requests answered 487 (peer claimed ICE-CONTROLLED).</summary>
    public long RoleConflicts { get; private set; }
    /// <summary>Valid tuples forgotten because the table (<see cref="MaxValidTuples"/>) was full.</summary>
    public long TuplesEvicted { get; private set; }
    /// <summary>Requests dropped because the agent is Failed or Closed.</summary>
    public long DroppedInactive { get; private set; }

    /// <summary>
    /// Handles one datagram classified as STUN from <paramref name="from"/>. When the result is not
    /// <see cref="IceLiteResult.Dropped"/>, <paramref name="responseBuffer"/>[..responseLength] must be sent to
    /// <paramref name="from"/>. Never throws for bad input. Allocation-free except when a new tuple is learned.
    /// </summary>
    public IceLiteResult HandleStunRequest(ReadOnlySpan<byte> datagram, IPEndPoint from, Span<byte> responseBuffer, out int responseLength, long nowMs)
    {
        responseLength = 0;
        if (responseBuffer.Length < MinResponseBufferSize) throw new ArgumentException($"response buffer must hold {MinResponseBufferSize} bytes", nameof(responseBuffer));
        if (State is IceState.Failed or IceState.Closed) { DroppedInactive++; return IceLiteResult.Dropped; }
        if (!StunMessage.TryParse(datagram, out var msg) || msg.MessageType != StunMessageType.BindingRequest)
        {
            DroppedMalformed++; // responses/indications are not for a lite agent (docs/webrtc-stack.md#ice-lite); consent needs requests
            return IceLiteResult.Dropped;
        }
        // RFC 8489 §7.3: a FINGERPRINT that does not verify means "not STUN": discard silently.
        if (msg.HasFingerprint && !msg.VerifyFingerprint()) { DroppedBadFingerprint++; return IceLiteResult.Dropped; }
        if (_startMs == long.MinValue) _startMs = nowMs;
        if (State == IceState.New) SetState(IceState.Checking);

        // RFC 8489 §9.1.3: both USERNAME and MESSAGE-INTEGRITY are required, else 400. We require FINGERPRINT too (docs/webrtc-stack.md#ice-lite).
        if (!msg.HasFingerprint || !msg.HasUsername || !msg.HasMessageIntegrity)
            return Error(ref msg, responseBuffer, out responseLength, StunErrorCode.BadRequest, "Bad Request", signed: false);

        // RFC 8445 §7.3 / RFC 8489 §9.1.3: wrong username or integrity -> 401, unsigned.
        var user = msg.UsernameBytes;
        bool userOk = _expectedUsername != null ? user.SequenceEqual(_expectedUsername) : user.StartsWith(_usernamePrefix) && user.Length > _usernamePrefix.Length;
        if (!userOk || !msg.VerifyMessageIntegrity(_localPwdKey))
            return Error(ref msg, responseBuffer, out responseLength, StunErrorCode.Unauthorized, "Unauthorized", signed: false);

        if (msg.UnknownRequiredAttributeCount > 0)
            return Error(ref msg, responseBuffer, out responseLength, StunErrorCode.UnknownAttribute, "Unknown Attribute", signed: true);
        if (msg.Priority is null or 0 || (msg.IceControlling is null && msg.IceControlled is null))
            return Error(ref msg, responseBuffer, out responseLength, StunErrorCode.BadRequest, "Bad Request", signed: true);
        // RFC 8445 §7.3.1.1: a lite agent is always controlled; a peer that also claims controlled conflicts.
        if (msg.IceControlled is not null)
            return Error(ref msg, responseBuffer, out responseLength, StunErrorCode.RoleConflict, "Role Conflict", signed: true);

        // RFC 8445 §7.3.1.4 success response: XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY (our pwd), FINGERPRINT.
        var w = new StunMessageWriter(responseBuffer, StunMessageType.BindingSuccessResponse, msg.TransactionId);
        w.AddXorMappedAddress(from);
        w.AddMessageIntegrity(_localPwdKey);
        w.AddFingerprint();
        responseLength = w.Length;
        SuccessResponses++;
        _lastValidCheckMs = nowMs;

        var tuple = FindTuple(from) ?? AddTuple(from); // stored copy: callers may reuse their IPEndPoint
        if (msg.HasUseCandidate)
        {
            // RFC 8445 §7.3.1.5: nomination; the latest nominated tuple wins.
            bool changed = !IsNominated || !tuple.Equals(SelectedEndpoint);
            IsNominated = true;
            if (changed) Select(tuple);
        }
        else if (SelectedEndpoint is null)
        {
            Select(tuple); // like mediasoup: the first valid tuple carries media until nomination
        }
        if (State != IceState.Connected) SetState(IceState.Connected);
        return IceLiteResult.Success;
    }

    /// <summary>True when <paramref name="endPoint"/> passed a valid check (accept DTLS/SRTP only from these).</summary>
    public bool IsValidSource(IPEndPoint endPoint) => FindTuple(endPoint) != null;

    /// <summary>
    /// True when no valid check arrived for <see cref="ConsentTimeoutMs"/> (RFC 7675; mediasoup's 30 s rule).
    /// False before the first valid check.
    /// </summary>
    public bool IsConsentExpired(long nowMs) =>
        _lastValidCheckMs != long.MinValue && nowMs - _lastValidCheckMs >= ConsentTimeoutMs;

    /// <summary>
    /// Advances time: Connected goes to Failed when consent expired; New/Checking goes to Failed when no valid
    /// check arrived within <see cref="ConnectTimeoutMs"/> of the first call or request.
    /// </summary>
    public void Tick(long nowMs)
    {
        if (_startMs == long.MinValue) _startMs = nowMs;
        if (State == IceState.Connected && IsConsentExpired(nowMs)) Fail();
        else if (State is IceState.New or IceState.Checking && nowMs - _startMs >= ConnectTimeoutMs) Fail();
    }

    /// <summary>Closes the agent; later requests are dropped.</summary>
    public void Close()
    {
        if (State != IceState.Closed) SetState(IceState.Closed);
    }

    private void Fail()
    {
        Array.Clear(_validTuples);
        _validCount = 0;
        SetState(IceState.Failed);
    }

    private IceLiteResult Error(ref StunMessage request, Span<byte> buffer, out int length, int code, string reason, bool signed)
    {
        switch (code)
        {
            case StunErrorCode.BadRequest: BadRequests++; break;
            case StunErrorCode.Unauthorized: Unauthorized++; break;
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
        // RFC 8489 §9.1.3: responses to requests that failed authentication carry no MESSAGE-INTEGRITY.
        if (signed) w.AddMessageIntegrity(_localPwdKey);
        w.AddFingerprint();
        length = w.Length;
        return IceLiteResult.ErrorResponse;
    }

    private IPEndPoint? FindTuple(IPEndPoint endPoint)
    {
        for (int i = 0; i < _validCount; i++)
            if (endPoint.Equals(_validTuples[i])) return _validTuples[i];
        return null;
    }

    private IPEndPoint AddTuple(IPEndPoint endPoint)
    {
        var copy = new IPEndPoint(endPoint.Address, endPoint.Port);
        if (_validCount < MaxValidTuples) { _validTuples[_validCount++] = copy; return copy; }
        // Full: replace a non-selected slot, round robin (the selected one always stays valid).
        for (int n = 0; n < MaxValidTuples; n++)
        {
            int slot = _nextTupleSlot;
            _nextTupleSlot = (_nextTupleSlot + 1) % MaxValidTuples;
            if (!Equals(_validTuples[slot], SelectedEndpoint)) { _validTuples[slot] = copy; TuplesEvicted++; return copy; }
        }
        return copy; // unreachable with MaxValidTuples > 1
    }

    private void Select(IPEndPoint endPoint)
    {
        SelectedEndpoint = endPoint;
        SelectedEndpointChanged?.Invoke(endPoint);
    }

    private void SetState(IceState state)
    {
        State = state;
        StateChanged?.Invoke(state);
    }
}
