using WebRtcBridge.WebRtc.Media;
using WebRtcBridge.WebRtc.Rtp;

namespace WebRtcBridge.WebRtc.Session;

// Receive path (loop thread only): SRTP -> RTP -> receive statistics, REMB input, NACK bookkeeping ->
// VP8 frame assembly (RFC 7741) -> libvpx decode -> FrameReceived. Keyframe needs become throttled PLIs.
internal sealed partial class MediaSession
{
    private readonly ReceiveStatistics _receiveStats = new(clockRate: 90000, maxStreams: 4);
    private readonly NackGenerator _nack = new();
    private readonly FrameAssembler _assembler;
    private readonly KeyframeRequestThrottle _pliThrottle = new(300);
    private readonly RembEstimator _remb;
    private Vp8Decoder? _decoder;
    private readonly FrameSizeGuard _sizeGuard;
    private uint _remoteSsrc;
    private bool _remoteSsrcKnown;
    private bool _decoderNeedsKeyFrame;
    private int _localKeyFrameRequest;
    private long _packetsReceived, _bytesReceived, _framesReceived, _framesDecoded, _keyFramesDecoded, _decodeFailures;
    private long _decodeTicks;
    private long _otherPayloadType, _otherSsrc;

    /// <summary>Handles one SRTP packet (decrypted in place). Never throws for bad input.</summary>
    public void OnRtp(Span<byte> packet, long nowMs)
    {
        if (_closed) return;
        if (!_srtp.Inbound.TryUnprotectRtp(packet, out int length)) return; // counted by the context (auth, replay, malformed)
        if (!RtpPacketReader.TryParse(packet.Slice(0, length), out var rtp))
        {
            Interlocked.Increment(ref _malformed);
            return;
        }
        if (rtp.PayloadType != _payloadType) { _otherPayloadType++; return; }
        if (!_remoteSsrcKnown)
        {
            _remoteSsrc = rtp.Ssrc; // learnt from the first authenticated packet
            _remoteSsrcKnown = true;
        }
        else if (rtp.Ssrc != _remoteSsrc) { _otherSsrc++; return; }

        _packetsReceived++;
        _bytesReceived += rtp.Payload.Length;
        _receiveStats.OnPacket(rtp.Ssrc, rtp.SequenceNumber, rtp.Timestamp, nowMs);
        _remb.OnPacket(length, nowMs);
        int missingBefore = _nack.MissingCount;
        _nack.OnPacket(rtp.SequenceNumber, nowMs);
        if (_nack.MissingCount > missingBefore) _nextNackMs = nowMs; // docs/webrtc-stack.md#rtp-and-rtcp-policy: NACK a new gap at once, not at the next tick
        if (_assembler.Insert(rtp.SequenceNumber, rtp.Timestamp, rtp.Marker, rtp.Payload, nowMs) == PacketInsertResult.Malformed)
            Interlocked.Increment(ref _malformed);
        SendNacks(nowMs);
        CheckKeyFrameNeed(nowMs);
    }

    /// <summary>Ask the remote sender for a keyframe (PLI, throttled).</summary>
    public void RequestRemoteKeyFrame() => Volatile.Write(ref _localKeyFrameRequest, 1);

    private void OnAssembledFrame(in AssembledFrame frame)
    {
        _framesReceived++;
        if (frame.IsKeyFrame) _nack.OnKeyframe(frame.FirstSequenceNumber);
        EncodedFrameReceived?.Invoke(new EncodedFrameInfo(frame.Data.Length, frame.RtpTimestamp, frame.IsKeyFrame, frame.ReceiveTimeMs));
        if (!_options.DecodeIncoming) return;
        // Size limits from the keyframe header, before libvpx allocates for it (counted; no decode, no encoder churn).
        var verdict = _sizeGuard.Check(frame.Data, frame.ReceiveTimeMs);
        if (verdict != FrameSizeVerdict.Accept)
        {
            // Over the size-change budget: ask for a keyframe (throttled PLI) so the stream resumes at the current size
            // or once the budget allows; too large: nothing (asking again would only bring another one).
            if (verdict == FrameSizeVerdict.TooManySizeChanges) _decoderNeedsKeyFrame = true;
            return;
        }
        int maxSide = Math.Max(_options.MaxFrameWidth, _options.MaxFrameHeight); // the guard checked orientation
        _decoder ??= new Vp8Decoder(maxWidth: maxSide, maxHeight: maxSide);
        var decodeStart = System.Diagnostics.Stopwatch.GetTimestamp();
        var status = _decoder.Decode(frame.Data, out var picture);
        Interlocked.Add(ref _decodeTicks, System.Diagnostics.Stopwatch.GetTimestamp() - decodeStart);
        if (status == Vp8DecodeStatus.Ok && picture is not null)
        {
            _framesDecoded++;
            if (picture.IsKeyFrame) _keyFramesDecoded++;
            picture.RtpTimestamp = frame.RtpTimestamp;
            picture.Timestamp = NowMs;
            picture.FrameNumber = _framesDecoded;
            var handler = FrameReceived;
            if (handler is null) picture.Dispose();
            else handler(picture);
        }
        else if (status is Vp8DecodeStatus.Error or Vp8DecodeStatus.Corrupted or Vp8DecodeStatus.InvalidInput)
        {
            _decodeFailures++;
            _decoderNeedsKeyFrame = true; // applied after Insert returns, not re-entrantly
        }
    }

    // docs/webrtc-stack.md#rtp-and-rtcp-policy: PLI when the assembler waits for a keyframe, the NACK generator gave up, the decoder failed, or the app asked.
    private void CheckKeyFrameNeed(long nowMs)
    {
        if (_decoderNeedsKeyFrame)
        {
            _decoderNeedsKeyFrame = false;
            _assembler.RequestKeyFrame();
        }
        bool need = _nack.TakeKeyframeRequest() | Interlocked.Exchange(ref _localKeyFrameRequest, 0) != 0;
        if (_assembler.NeedKeyFrame) need = true;
        bool send = need ? _pliThrottle.TryRequest(nowMs) : _pliThrottle.PollPending(nowMs);
        if (send && _remoteSsrcKnown) SendPli();
    }
}
