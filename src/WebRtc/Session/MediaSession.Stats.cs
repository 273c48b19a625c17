namespace WebRtcBridge.WebRtc.Session;

// webrtc-stats snapshot of the media engine (read from any thread; counters are monotonic).
internal sealed partial class MediaSession
{
    /// <summary>Fills the media part of a stats snapshot.</summary>
    public PeerConnectionStats AddStats(PeerConnectionStats s)
    {
        long lost = 0;
        double jitter = 0;
        if (_remoteSsrcKnown && _receiveStats.TryGet(_remoteSsrc, out var stream))
        {
            lost = Math.Max(0, stream.CumulativeLost);
            jitter = stream.Jitter / 90000.0;
        }
        var encoder = _encoder;
        long available = Interlocked.Read(ref _availableOutgoingBps);
        var refusals = RetransmitRefusals();
        return s with
        {
            FramesReceived = _framesReceived,
            FramesDecoded = _framesDecoded,
            TotalDecodeTime = (double)Interlocked.Read(ref _decodeTicks) / System.Diagnostics.Stopwatch.Frequency,
            TotalEncodeTime = (double)Interlocked.Read(ref _encodeTicks) / System.Diagnostics.Stopwatch.Frequency,
            KeyFramesDecoded = _keyFramesDecoded,
            FramesDropped = _assembler.FramesDropped + _decodeFailures + _sizeGuard.TooLarge + _sizeGuard.TooManySizeChanges + _sizeGuard.DroppedAwaitingKeyFrame,
            FramesDroppedTooLarge = _sizeGuard.TooLarge,
            FramesDroppedSizeChanges = _sizeGuard.TooManySizeChanges,
            PacketsReceived = _packetsReceived,
            PacketsLost = lost,
            Jitter = jitter,
            NackCount = _nacksSent,
            PliCount = _plisSent,
            FirCount = Interlocked.Read(ref _firReceived),
            BytesReceived = _bytesReceived,
            FramesEncoded = encoder?.FramesEncoded ?? 0,
            KeyFramesEncoded = encoder?.KeyFramesEncoded ?? 0,
            FramesSent = Interlocked.Read(ref _framesSent),
            PacketsSent = Interlocked.Read(ref _packetsSent),
            BytesSent = Interlocked.Read(ref _bytesSent),
            RetransmittedPacketsSent = Interlocked.Read(ref _retransmitted),
            NackReceivedCount = Interlocked.Read(ref _nackReceived),
            PliReceivedCount = Interlocked.Read(ref _pliReceived),
            FramesNotSent = s.FramesNotSent + Interlocked.Read(ref _framesNotSent),
            RoundTripTime = _rttMs is double rtt ? rtt / 1000.0 : null,
            AvailableOutgoingBitrate = available >= 0 ? available : null,
            EncoderBitrateKbps = Volatile.Read(ref _bitrateKbps),
            SrtpAuthFailures = _srtp.Inbound.AuthFailures,
            SrtpReplayDrops = _srtp.Inbound.ReplayDrops,
            MalformedPackets = s.MalformedPackets + Interlocked.Read(ref _malformed) + _srtp.Inbound.MalformedDrops,
            ByeReceived = _byeReceived,
            RetransmissionsOverBudget = refusals.Budget,
            RetransmissionsOverPacketLimit = refusals.PacketLimit,
        };
    }

    private (long Budget, long PacketLimit) RetransmitRefusals()
    {
        lock (_outGate) return (_retransmitBudget.Refused, _history.RefusedOverResendLimit);
    }
}
