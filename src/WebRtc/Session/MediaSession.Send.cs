using System.Buffers;
using WebRtcBridge.WebRtc.Media;
using WebRtcBridge.WebRtc.Rtp;

namespace WebRtcBridge.WebRtc.Session;

// Send path: encode (one encoder, under _encodeGate) -> RFC 7741 packetization -> RTP header with mid and
// abs-send-time -> send history -> SRTP -> socket. Retransmissions on NACK come from the loop thread.
internal sealed partial class MediaSession
{
    private long _encodeTicks;

    private const int KeyFrameForceIntervalMs = 300; // docs/webrtc-stack.md#rtp-and-rtcp-policy: at most one forced keyframe per ~300 ms

    private readonly object _encodeGate = new();
    private Vp8Encoder? _encoder;
    private readonly ArrayBufferWriter<byte> _encoded = new(128 * 1024);
    private readonly Vp8Packetizer _packetizer;
    private readonly byte[] _payloadBuffer = new byte[BufferSize];
    private readonly byte[] _packetBuffer = new byte[BufferSize];
    private readonly byte[] _retransmitBuffer = new byte[BufferSize];
    private readonly SendHistory _history = new(capacity: 1024, maxPacketSize: BufferSize, maxAgeMs: 2000);
    private readonly RetransmissionBudget _retransmitBudget = new();
    private readonly RtpSendStatistics _sendStats;
    private readonly long _clockOrigin;
    private readonly uint _rtpClockBase;
    private ushort _seq;
    private int _forceKeyFrame;
    private int _bitrateKbps;
    private long _lastKeyFrameForcedMs = long.MinValue;
    private long _framesSent, _packetsSent, _bytesSent, _retransmitted, _framesNotSent, _encodeErrors, _protectFailures;
    private long _nackReceived, _pliReceived, _firReceived;
    private long _availableOutgoingBps = -1;

    /// <summary>Encodes, packetizes, protects and sends <paramref name="frame"/> (the caller keeps it), adapted as
    /// <paramref name="adaptation"/> says (overload: scale, bitrate share, speed).</summary>
    public void SendFrame(VideoFrame frame, VideoSendAdaptation? adaptation = null)
    {
        lock (_encodeGate)
        {
            if (_closed || !_sendAllowed) { Interlocked.Increment(ref _framesNotSent); return; }
            _encoder ??= new Vp8Encoder(_options.Encoder with { TargetBitrateKbps = EffectiveBitrateKbps(Volatile.Read(ref _bitrateKbps)) });
            adaptation ??= VideoSendAdaptation.None;
            ApplyAdaptationLocked(adaptation);
            uint ts = frame.RtpTimestamp != 0 ? frame.RtpTimestamp : OwnRtpClock();
            bool force = Interlocked.Exchange(ref _forceKeyFrame, 0) != 0;
            _encoded.ResetWrittenCount();
            Vp8EncodeResult result;
            var encodeStart = System.Diagnostics.Stopwatch.GetTimestamp();
            var toEncode = ScaleForSend(frame, adaptation);
            try
            {
                result = _encoder.Encode(toEncode, force, _encoded);
                Interlocked.Add(ref _encodeTicks, System.Diagnostics.Stopwatch.GetTimestamp() - encodeStart);
            }
            catch (Vp8CodecException)
            {
                _encodeErrors++;
                return;
            }
            finally
            {
                if (!ReferenceEquals(toEncode, frame)) toEncode.Dispose();
            }
            if (!result.Encoded) return;
            SendEncodedLocked(_encoded.WrittenSpan, ts, result.IsKeyFrame);
        }
    }

    /// <summary>Packetizes and sends a pre-encoded VP8 frame.</summary>
    public void SendEncodedFrame(ReadOnlySpan<byte> vp8Frame, uint rtpTimestamp, bool isKeyFrame)
    {
        if (vp8Frame.IsEmpty) return;
        lock (_encodeGate)
        {
            if (_closed || !_sendAllowed) { Interlocked.Increment(ref _framesNotSent); return; }
            SendEncodedLocked(vp8Frame, rtpTimestamp, isKeyFrame);
        }
    }

    /// <summary>Forces the next encoded frame to be a keyframe.</summary>
    public void ForceKeyFrame() => Volatile.Write(ref _forceKeyFrame, 1);

    private uint OwnRtpClock() => _rtpClockBase + (uint)((Environment.TickCount64 - _clockOrigin) * 90);

    private void SendEncodedLocked(ReadOnlySpan<byte> frame, uint timestamp, bool isKeyFrame)
    {
        long now = NowMs;
        Span<byte> absSendTime = stackalloc byte[3];
        AbsSendTime.Write(absSendTime, AbsSendTime.FromMilliseconds(now));
        int midId = _negotiated.SdesMidExtensionId ?? 0, absId = _negotiated.AbsSendTimeExtensionId ?? 0;
        var payloads = _packetizer.Packetize(frame);
        while (payloads.TryWriteNext(_payloadBuffer, out int written, out bool last))
        {
            var w = new RtpPacketWriter(_packetBuffer, _payloadType, _seq++, timestamp, _localSsrc, last);
            if (midId > 0) w.AddExtension(midId, _mid);
            if (absId > 0) w.AddExtension(absId, absSendTime);
            w.WritePayload(_payloadBuffer.AsSpan(0, written));
            int length = w.Complete();
            lock (_outGate)
            {
                if (_closed) return;
                _history.Store(_packetBuffer.AsSpan(0, length), now);
                _sendStats.OnPacketSent(written, timestamp, now);
                if (!_srtp.Outbound.TryProtectRtp(_packetBuffer, length, out int protectedLength))
                {
                    _protectFailures++;
                    continue;
                }
                _sink(_packetBuffer.AsSpan(0, protectedLength));
            }
            Interlocked.Increment(ref _packetsSent);
            Interlocked.Add(ref _bytesSent, written);
        }
        Interlocked.Increment(ref _framesSent);
    }

    // RFC 4585 §6.2.1: resend each requested packet unchanged (same SSRC and seq; no RTX negotiated), at most once per
    // RTT (floored: see RttFloorMs), at most SendHistory.DefaultMaxResendsPerPacket times, within the retransmission budget.
    private void Retransmit(ushort seq, long nowMs)
    {
        lock (_outGate)
        {
            if (_closed) return;
            long sendBps = Volatile.Read(ref _bitrateKbps) * 1000L;
            if (!_history.TryGetForRetransmission(seq, nowMs, FlooredRttMs, _retransmitBuffer, out int length,
                    _retransmitBudget, sendBps, _srtp.Outbound.RtpOverhead)) return;
            if (!_srtp.Outbound.TryProtectRtp(_retransmitBuffer, length, out int protectedLength)) { _protectFailures++; return; }
            _sink(_retransmitBuffer.AsSpan(0, protectedLength));
        }
        Interlocked.Increment(ref _packetsSent);
        Interlocked.Increment(ref _retransmitted);
    }

    // PLI/FIR from the peer: force a keyframe, at most one per KeyFrameForceIntervalMs.
    private void OnKeyFrameRequest(long nowMs)
    {
        if (_lastKeyFrameForcedMs != long.MinValue && nowMs - _lastKeyFrameForcedMs < KeyFrameForceIntervalMs) return;
        _lastKeyFrameForcedMs = nowMs;
        ForceKeyFrame();
        KeyFrameRequested?.Invoke();
    }

    // REMB from the peer: clamp to our limits and retarget the encoder.
    private void OnRemb(ulong bitrateBps)
    {
        long bps = (long)Math.Min(bitrateBps, (ulong)long.MaxValue);
        bps = Math.Clamp(bps, _options.MinBitrateKbps * 1000L, _options.MaxBitrateKbps * 1000L);
        Interlocked.Exchange(ref _availableOutgoingBps, bps);
        int kbps = (int)(bps / 1000);
        if (Volatile.Read(ref _bitrateKbps) == kbps) return;
        Volatile.Write(ref _bitrateKbps, kbps);
        var encoder = _encoder;
        try { encoder?.SetBitrate(EffectiveBitrateKbps(kbps)); }
        catch (ObjectDisposedException) { }
    }
}
