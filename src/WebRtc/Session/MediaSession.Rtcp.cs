using WebRtcBridge.WebRtc.Rtp;
using WebRtcBridge.WebRtc.Rtp.Rtcp;

namespace WebRtcBridge.WebRtc.Session;

// RTCP (RFC 3550 §6, RFC 4585, RFC 5104, draft-alvestrand-rmcat-remb), rtcp-mux on the one socket:
// SR/RR + SDES about every second, REMB, NACK and PLI on demand; incoming reports give RTT, NACK retransmits,
// PLI/FIR force a keyframe, REMB retargets the encoder.
internal sealed partial class MediaSession
{
    private const int NackIntervalMs = 20; // libwebrtc nack_module process interval
    /// <summary>
    /// Lowest RTT the peer can make us act on (ms). The RTT comes from the peer's LSR/DLSR (RFC 3550 §6.4.1), which it
    /// controls: a tiny one would let it re-NACK (and us resend) a packet every few ms. 20 ms is below any real path
    /// through the internet and above loopback noise; the reported <c>roundTripTime</c> stays unfloored.
    /// </summary>
    internal const int RttFloorMs = 20;
    private readonly byte[] _rtcpBuffer = new byte[BufferSize];
    private readonly ushort[] _nackBatch = new ushort[256];
    private readonly ushort[] _nackRequested = new ushort[512];
    private long _nextReportMs, _nextNackMs;
    private double? _rttMs;
    private long _nacksSent, _plisSent, _byeReceived;

    /// <summary>Handles one SRTCP compound packet (decrypted in place). Never throws for bad input.</summary>
    public void OnRtcp(Span<byte> packet, long nowMs)
    {
        if (_closed) return;
        if (!_srtp.Inbound.TryUnprotectRtcp(packet, out int length)) return;
        ulong arrivalNtp = 0;
        var reader = new RtcpCompoundReader(packet.Slice(0, length));
        while (reader.TryReadNext(out var p))
        {
            switch (p.Kind)
            {
                case RtcpPacketKind.SenderReport:
                {
                    var sr = p.AsSenderReport();
                    _receiveStats.OnSenderReport(sr.SenderSsrc, sr.NtpTimestamp, nowMs);
                    for (int i = 0; i < sr.ReportBlockCount; i++) OnReportBlock(sr.GetReportBlock(i), ref arrivalNtp);
                    break;
                }
                case RtcpPacketKind.ReceiverReport:
                {
                    var rr = p.AsReceiverReport();
                    for (int i = 0; i < rr.ReportBlockCount; i++) OnReportBlock(rr.GetReportBlock(i), ref arrivalNtp);
                    break;
                }
                case RtcpPacketKind.GenericNack:
                {
                    var nack = p.AsGenericNack();
                    if (nack.MediaSsrc != _localSsrc) break;
                    int n = nack.CopyLostSequenceNumbers(_nackRequested);
                    Interlocked.Add(ref _nackReceived, n);
                    for (int i = 0; i < n; i++) Retransmit(_nackRequested[i], nowMs);
                    break;
                }
                case RtcpPacketKind.PictureLossIndication:
                    if (p.AsPictureLossIndication().MediaSsrc != _localSsrc) break;
                    Interlocked.Increment(ref _pliReceived);
                    OnKeyFrameRequest(nowMs);
                    break;
                case RtcpPacketKind.FullIntraRequest:
                {
                    var fir = p.AsFullIntraRequest();
                    bool forUs = false;
                    for (int i = 0; i < fir.EntryCount; i++) forUs |= fir.GetEntry(i).Ssrc == _localSsrc;
                    if (!forUs) break;
                    Interlocked.Increment(ref _firReceived);
                    OnKeyFrameRequest(nowMs);
                    break;
                }
                case RtcpPacketKind.ReceiverEstimatedMaxBitrate:
                    OnRemb(p.AsRemb().BitrateBps);
                    break;
                case RtcpPacketKind.Goodbye:
                    _byeReceived++;
                    break;
            }
        }
        if (reader.IsMalformed) Interlocked.Increment(ref _malformed);
    }

    // RFC 3550 §6.4.1: RTT = A - LSR - DLSR from a block about our stream.
    private void OnReportBlock(in ReportBlock block, ref ulong arrivalNtp)
    {
        if (block.Ssrc != _localSsrc) return;
        if (arrivalNtp == 0) arrivalNtp = NtpClock.Now();
        if (!RoundTripTime.TryCompute(block, arrivalNtp, out double rtt)) return;
        _rttMs = rtt;
        _nack.RttMs = Math.Clamp((int)Math.Ceiling(rtt), RttFloorMs, 1000);
    }

    // The RTT used to space our resends of one packet: the measured one, never below RttFloorMs (none yet: the floor).
    private int FlooredRttMs => Math.Clamp((int)Math.Ceiling(_rttMs ?? RttFloorMs), RttFloorMs, 1000);

    private void SendNacks(long nowMs)
    {
        if (nowMs < _nextNackMs || !_remoteSsrcKnown || !_negotiated.NackAllowed) return;
        _nextNackMs = nowMs + NackIntervalMs;
        int n = _nack.GetNackBatch(nowMs, _nackBatch);
        if (n == 0) return;
        var w = new RtcpCompoundWriter(_rtcpBuffer);
        if (!_negotiated.RtcpReducedSize) w.WriteReceiverReport(_localSsrc, default);
        if (!w.WriteGenericNack(_localSsrc, _remoteSsrc, _nackBatch.AsSpan(0, n))) return;
        _nacksSent += n;
        Protect(w.Length);
    }

    private void SendPli()
    {
        var w = new RtcpCompoundWriter(_rtcpBuffer);
        if (!_negotiated.RtcpReducedSize) w.WriteReceiverReport(_localSsrc, default);
        if (!w.WritePictureLossIndication(_localSsrc, _remoteSsrc)) return;
        _plisSent++;
        Protect(w.Length);
    }

    private void SendReport(long nowMs)
    {
        Span<ReportBlock> blocks = stackalloc ReportBlock[4];
        int count = _receiveStats.CreateReportBlocks(nowMs, blocks);
        var w = new RtcpCompoundWriter(_rtcpBuffer);
        lock (_outGate)
        {
            if (_sendStats.HasSent)
                w.WriteSenderReport(_localSsrc, NtpClock.Now(), _sendStats.RtpTimestampAt(nowMs), _sendStats.PacketCount, _sendStats.OctetCount, blocks.Slice(0, count));
            else
                w.WriteReceiverReport(_localSsrc, blocks.Slice(0, count));
        }
        w.WriteSourceDescriptionCname(_localSsrc, _cname);
        if (_negotiated.RembAllowed && _remoteSsrcKnown)
        {
            double fractionLost = count > 0 ? blocks[0].FractionLost / 256.0 : 0;
            long estimate = _remb.Update(fractionLost, nowMs);
            Span<uint> ssrcs = [_remoteSsrc];
            w.WriteRemb(_localSsrc, (ulong)estimate, ssrcs);
        }
        Protect(w.Length);
    }

    private void SendBye()
    {
        var w = new RtcpCompoundWriter(_rtcpBuffer);
        w.WriteReceiverReport(_localSsrc, default);
        Span<uint> ssrcs = [_localSsrc];
        w.WriteGoodbye(ssrcs);
        Protect(w.Length);
    }

    private void Protect(int length)
    {
        lock (_outGate)
        {
            if (_closed) return;
            if (!_srtp.Outbound.TryProtectRtcp(_rtcpBuffer, length, out int protectedLength)) { _protectFailures++; return; }
            _sink(_rtcpBuffer.AsSpan(0, protectedLength));
        }
    }
}
