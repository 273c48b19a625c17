using System.Buffers;
using System.Diagnostics;
using System.Text;
using WebRtcBridge.MediaRunner.BuiltIn;
using WebRtcBridge.MediaRunner.Pipeline;
using WebRtcBridge.WebRtc.Media;
using WebRtcBridge.WebRtc.Rtp;
using WebRtcBridge.WebRtc.Srtp;

namespace WebRtcBridge.Bench.Stages;

/// <summary>One stage over the measured frames: per-frame milliseconds and managed bytes allocated per frame.</summary>
public sealed record StageStats(string Stage, int Samples, double P50Ms, double P99Ms, double MeanMs, double AllocBytesPerFrame);

/// <summary>What <see cref="StageTimings.Measure"/> found for one resolution.</summary>
public sealed record StageReport(
    int Width,
    int Height,
    int Frames,
    int CpuUsed,
    int BitrateKbps,
    SrtpProtectionProfile Profile,
    IReadOnlyList<StageStats> Stages,
    StageStats Codec,
    StageStats Total,
    double InputPacketsPerFrame,
    double InputBytesPerFrame,
    double OutputPacketsPerFrame,
    double OutputBytesPerFrame,
    long InputKeyFrames,
    long OutputKeyFrames,
    long ServerEncoderDrops,
    int Gen0Collections)
{
    /// <summary>The stage named <paramref name="name"/> ("receive", "decode", "handler identity", "handler invert", "encode", "send").</summary>
    public StageStats Get(string name) => Stages.First(s => s.Stage == name);
}

/// <summary>
/// Per-frame cost of the server's <c>/webrtc</c> media path with the <c>identity</c> filter, stage by stage, on one
/// thread, with the classes the server uses (MediaSession.Receive.cs, MediaSession.Send.cs, WebRtcSession,
/// FilterFrameHandler); no sockets, no pipeline hand-off between threads.
/// <para>
/// Input: <see cref="TestPattern"/> frames encoded once up front as the client would (<see cref="Vp8Encoder"/>, same
/// settings), packetized (<see cref="Vp8Packetizer"/>, RTP header with mid + abs-send-time one-byte extensions) and
/// SRTP-protected with the client's context; all outside the timed regions. Each frame's datagrams are copied into
/// receive buffers (the socket's job) before its timed region.
/// </para>
/// Stages (per frame, summed over its packets):
/// <list type="bullet">
/// <item><c>receive</c>: SRTP unprotect, RTP parse, receive statistics, REMB and NACK bookkeeping, depacketize and
/// frame assembly (<see cref="FrameAssembler"/>); the decode that runs inside the assembler's callback (as in the
/// server) is timed separately and subtracted.</item>
/// <item><c>decode</c>: <see cref="Vp8Decoder.Decode"/> of the assembled frame (decoder on the shared frame pool, as the server's).</item>
/// <item><c>handler identity</c> / <c>handler invert</c>: <see cref="FilterFrameHandler.ProcessAsync"/> with a sink that
/// copies the input's metadata like the pipeline's sink; the invert output is disposed, the identity output goes on.</item>
/// <item><c>encode</c>: the server's <see cref="Vp8Encoder"/> (cpu-used, 1 thread, bitrate) on the identity output.</item>
/// <item><c>send</c>: packetize, RTP header with extensions, send history, send statistics, SRTP protect (no socket).</item>
/// </list>
/// <c>codec</c> = decode + encode of the same frame; <c>total</c> = the sum of the identity path (receive, decode,
/// handler identity, encode, send). Frames the server's encoder dropped count 0 for send.
/// </summary>
public static class StageTimings
{
    public const string Receive = "receive", Decode = "decode", HandlerIdentity = "handler identity",
        HandlerInvert = "handler invert", Encode = "encode", Send = "send";

    private const int WarmupFrames = 30;
    private const int MaxPayloadSize = 1100; // MediaSession.MaxPayloadSize
    private const int BufferSize = 1500;     // MediaSession.BufferSize
    private const byte PayloadType = 96;
    private const int MidExtensionId = 1;     // SdpOfferBuilder.SdesMidExtensionId
    private const int AbsSendTimeExtensionId = 2;
    private const int FrameIntervalMs = 33;
    private static readonly byte[] Mid = Encoding.ASCII.GetBytes("0");

    /// <summary>
    /// Measures <paramref name="frames"/> frames (after ~30 warm-up frames) of <paramref name="width"/> x
    /// <paramref name="height"/> through the server's per-frame path. Both encoders use
    /// <paramref name="cpuUsed"/>, 1 thread and <paramref name="bitrateKbps"/>.
    /// </summary>
    public static StageReport Measure(int width, int height, int frames, int cpuUsed, int bitrateKbps, SrtpProtectionProfile profile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frames, 1);
        var settings = new Vp8EncoderSettings { TargetBitrateKbps = bitrateKbps, CpuUsed = cpuUsed, Threads = 1 };
        var keying = new byte[SrtpSession.GetKeyingMaterialLength(profile)];
        new Random(7).NextBytes(keying);
        using var clientSrtp = SrtpSession.Create(profile, keying, localIsDtlsClient: true);
        using var serverSrtp = SrtpSession.Create(profile, keying, localIsDtlsClient: false);

        var input = PrepareInput(width, height, WarmupFrames + frames, settings, clientSrtp.Outbound, out long inputKeyFrames);
        using var path = new ServerPath(serverSrtp, settings, clientSrtp.Inbound);

        int maxPackets = input.Max(f => f.Packets.Length);
        var receiveBuffers = new byte[maxPackets][];
        for (int i = 0; i < maxPackets; i++) receiveBuffers[i] = new byte[BufferSize];
        var receiveLengths = new int[maxPackets];

        var samples = new Sample[frames];
        int gen0 = 0;
        for (int i = 0; i < input.Count; i++)
        {
            bool warm = i < WarmupFrames;
            if (i == WarmupFrames)
            {
                path.VerifySentPackets = false;
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                gen0 = GC.CollectionCount(0);
            }
            var packets = input[i].Packets;
            for (int p = 0; p < packets.Length; p++)
            {
                packets[p].CopyTo(receiveBuffers[p], 0); // the socket's receive, outside the timed region
                receiveLengths[p] = packets[p].Length;
            }
            var s = path.RunFrame(receiveBuffers, receiveLengths, packets.Length, i * (long)FrameIntervalMs);
            if (!warm) samples[i - WarmupFrames] = s;
        }
        gen0 = GC.CollectionCount(0) - gen0;

        var stages = new List<StageStats>
        {
            Stats(Receive, samples, s => s.ReceiveTicks, s => s.ReceiveBytes),
            Stats(Decode, samples, s => s.DecodeTicks, s => s.DecodeBytes),
            Stats(HandlerIdentity, samples, s => s.IdentityTicks, s => s.IdentityBytes),
            Stats(HandlerInvert, samples, s => s.InvertTicks, s => s.InvertBytes),
            Stats(Encode, samples, s => s.EncodeTicks, s => s.EncodeBytes),
            Stats(Send, samples, s => s.SendTicks, s => s.SendBytes),
        };
        var codec = Stats("codec (decode+encode)", samples, s => s.DecodeTicks + s.EncodeTicks, s => s.DecodeBytes + s.EncodeBytes);
        var total = Stats("total (identity path)", samples,
            s => s.ReceiveTicks + s.DecodeTicks + s.IdentityTicks + s.EncodeTicks + s.SendTicks,
            s => s.ReceiveBytes + s.DecodeBytes + s.IdentityBytes + s.EncodeBytes + s.SendBytes);

        var measured = input.Skip(WarmupFrames).ToList();
        return new StageReport(width, height, frames, cpuUsed, bitrateKbps, profile, stages, codec, total,
            InputPacketsPerFrame: measured.Average(f => f.Packets.Length),
            InputBytesPerFrame: measured.Average(f => f.EncodedLength),
            OutputPacketsPerFrame: samples.Average(s => s.PacketsSent),
            OutputBytesPerFrame: samples.Average(s => s.EncodedLength),
            InputKeyFrames: inputKeyFrames,
            OutputKeyFrames: path.Encoder.KeyFramesEncoded,
            ServerEncoderDrops: path.Encoder.FramesDropped,
            Gen0Collections: gen0);
    }

    private static StageStats Stats(string name, Sample[] samples, Func<Sample, long> ticks, Func<Sample, long> bytes)
    {
        var ms = samples.Select(s => ticks(s) * 1000.0 / Stopwatch.Frequency).ToArray();
        Array.Sort(ms);
        return new StageStats(name, ms.Length, Percentile(ms, 50), Percentile(ms, 99), ms.Average(), samples.Average(s => (double)bytes(s)));
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    private static double Percentile(double[] sorted, double p)
    {
        if (sorted.Length == 0) return 0;
        int idx = (int)Math.Ceiling(p / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(idx, 0, sorted.Length - 1)];
    }

    private sealed record InputFrame(byte[][] Packets, int EncodedLength, bool IsKeyFrame);

    private record struct Sample(
        long ReceiveTicks, long ReceiveBytes, long DecodeTicks, long DecodeBytes,
        long IdentityTicks, long IdentityBytes, long InvertTicks, long InvertBytes,
        long EncodeTicks, long EncodeBytes, long SendTicks, long SendBytes, int PacketsSent, int EncodedLength);

    // An RTP packet as MediaSession.SendEncodedLocked writes it: header with the mid and abs-send-time one-byte
    // extensions, then the payload. Returns its length.
    private static int WriteRtp(Span<byte> packet, ushort sequenceNumber, uint timestamp, uint ssrc, bool marker,
        ReadOnlySpan<byte> absSendTime, ReadOnlySpan<byte> payload)
    {
        var w = new RtpPacketWriter(packet, PayloadType, sequenceNumber, timestamp, ssrc, marker);
        w.AddExtension(MidExtensionId, Mid);
        w.AddExtension(AbsSendTimeExtensionId, absSendTime);
        w.WritePayload(payload);
        return w.Complete();
    }

    /// <summary>The client's side, done once: render, encode (frames the rate control drops are skipped), packetize, protect.</summary>
    private static List<InputFrame> PrepareInput(int width, int height, int count, Vp8EncoderSettings settings, SrtpContext clientOutbound,
        out long keyFrames)
    {
        using var encoder = new Vp8Encoder(settings);
        using var source = VideoFrame.Create(width, height);
        var encoded = new ArrayBufferWriter<byte>(256 * 1024);
        var packetizer = new Vp8Packetizer(MaxPayloadSize, 1234);
        var payload = new byte[BufferSize];
        var packet = new byte[BufferSize];
        var frames = new List<InputFrame>(count);
        const uint ssrc = 0x11223344, timestampBase = 0x10000000;
        ushort seq = 4000;
        Span<byte> absSendTime = stackalloc byte[3];
        for (int index = 0; frames.Count < count; index++)
        {
            if (index > 3 * count) throw new InvalidOperationException("the client encoder dropped too many frames");
            TestPattern.Render(source, index);
            uint timestamp = timestampBase + (uint)(index * 3000);
            source.RtpTimestamp = timestamp;
            encoded.ResetWrittenCount();
            var r = encoder.Encode(source, false, encoded);
            if (!r.Encoded) continue;
            AbsSendTime.Write(absSendTime, AbsSendTime.FromMilliseconds(index * (long)FrameIntervalMs));
            var packets = new List<byte[]>();
            var payloads = packetizer.Packetize(encoded.WrittenSpan);
            while (payloads.TryWriteNext(payload, out int written, out bool last))
            {
                int length = WriteRtp(packet, seq++, timestamp, ssrc, last, absSendTime, payload.AsSpan(0, written));
                if (!clientOutbound.TryProtectRtp(packet, length, out int protectedLength))
                    throw new InvalidOperationException("client SRTP protect failed");
                packets.Add(packet.AsSpan(0, protectedLength).ToArray());
            }
            frames.Add(new InputFrame(packets.ToArray(), r.Length, r.IsKeyFrame));
        }
        keyFrames = encoder.KeyFramesEncoded;
        return frames;
    }

    /// <summary>
    /// The server's per-frame work, written as MediaSession and WebRtcSession do it (same classes, same order, same
    /// buffers); the cross-thread hand-off (VideoFramePipeline's slot) and the socket are left out.
    /// </summary>
    private sealed class ServerPath : IDisposable, IVideoFrameSink
    {
        // MediaSession.Receive.cs
        private readonly SrtpSession _srtp;
        private readonly ReceiveStatistics _receiveStats = new(clockRate: 90000, maxStreams: 4);
        private readonly NackGenerator _nack = new();
        private readonly RembEstimator _remb = new(1000 * 1000L, 100 * 1000L, 2500 * 1000L);
        private readonly FrameAssembler _assembler;
        private readonly KeyframeRequestThrottle _pliThrottle = new(300);
        private readonly ushort[] _nackBatch = new ushort[256];
        private long _nextNackMs;
        private readonly Vp8Decoder _decoder = new();
        // MediaSession.Send.cs
        private readonly object _encodeGate = new();
        private readonly object _outGate = new();
        private readonly ArrayBufferWriter<byte> _encoded = new(128 * 1024);
        private readonly Vp8Packetizer _packetizer = new(MaxPayloadSize, 777);
        private readonly byte[] _payloadBuffer = new byte[BufferSize];
        private readonly byte[] _packetBuffer = new byte[BufferSize];
        private readonly SendHistory _history = new(capacity: 1024, maxPacketSize: BufferSize, maxAgeMs: 2000);
        private readonly RtpSendStatistics _sendStats;
        private const uint LocalSsrc = 0x55667788;
        private ushort _seq = 20000;
        // The handlers (FiltersApp's live handler) and the pipeline sink's state.
        private readonly FilterFrameHandler _identity = new("identity");
        private readonly FilterFrameHandler _invert = new("invert");
        private VideoFrame? _sinkInput;
        private VideoFrame? _emitted;
        // Client-side check of what we send (warm-up only).
        private readonly SrtpContext _clientInbound;
        private readonly byte[] _verifyBuffer = new byte[BufferSize];

        // Filled by the assembler callback.
        private VideoFrame? _picture;
        private long _decodeTicks, _decodeBytes;
        private long _framesDecoded;

        public ServerPath(SrtpSession srtp, Vp8EncoderSettings settings, SrtpContext clientInbound)
        {
            _srtp = srtp;
            _clientInbound = clientInbound;
            _assembler = new FrameAssembler(OnAssembledFrame);
            _sendStats = new RtpSendStatistics(LocalSsrc);
            Encoder = new Vp8Encoder(settings);
        }

        public Vp8Encoder Encoder { get; }
        public bool VerifySentPackets { get; set; } = true;

        public Sample RunFrame(byte[][] buffers, int[] lengths, int packetCount, long nowMs)
        {
            var s = new Sample();

            // receive (+ decode inside the assembler callback, subtracted)
            _picture = null;
            _decodeTicks = _decodeBytes = 0;
            long a0 = GC.GetAllocatedBytesForCurrentThread();
            long t0 = Stopwatch.GetTimestamp();
            for (int p = 0; p < packetCount; p++) OnRtp(buffers[p].AsSpan(0, lengths[p]), nowMs);
            long t1 = Stopwatch.GetTimestamp();
            long a1 = GC.GetAllocatedBytesForCurrentThread();
            s.ReceiveTicks = t1 - t0 - _decodeTicks;
            s.ReceiveBytes = a1 - a0 - _decodeBytes;
            s.DecodeTicks = _decodeTicks;
            s.DecodeBytes = _decodeBytes;
            var picture = _picture ?? throw new InvalidOperationException($"no decoded picture at {nowMs} ms (assembler or decoder failed)");
            _picture = null;

            // handler identity (the output goes on to the encoder) and handler invert (output dropped)
            (s.InvertTicks, s.InvertBytes) = RunHandler(_invert, picture);
            _emitted?.Dispose();
            _emitted = null;
            (s.IdentityTicks, s.IdentityBytes) = RunHandler(_identity, picture);
            var identityOut = _emitted ?? throw new InvalidOperationException("identity emitted nothing");
            _emitted = null;
            if (!ReferenceEquals(identityOut, picture)) picture.Dispose(); // an emitted input belongs to the sink (the pipeline's rule)

            // encode + send (MediaSession.SendFrame, then WebRtcSession.SendOutput disposes the output)
            using (identityOut)
            {
                lock (_encodeGate)
                {
                    _encoded.ResetWrittenCount();
                    a0 = GC.GetAllocatedBytesForCurrentThread();
                    t0 = Stopwatch.GetTimestamp();
                    var result = Encoder.Encode(identityOut, false, _encoded);
                    t1 = Stopwatch.GetTimestamp();
                    a1 = GC.GetAllocatedBytesForCurrentThread();
                    s.EncodeTicks = t1 - t0;
                    s.EncodeBytes = a1 - a0;
                    if (result.Encoded)
                    {
                        s.EncodedLength = result.Length;
                        a0 = GC.GetAllocatedBytesForCurrentThread();
                        t0 = Stopwatch.GetTimestamp();
                        s.PacketsSent = SendEncodedLocked(_encoded.WrittenSpan, identityOut.RtpTimestamp, nowMs);
                        t1 = Stopwatch.GetTimestamp();
                        a1 = GC.GetAllocatedBytesForCurrentThread();
                        s.SendTicks = t1 - t0;
                        s.SendBytes = a1 - a0;
                    }
                }
            }
            return s;
        }

        private (long Ticks, long Bytes) RunHandler(FilterFrameHandler handler, VideoFrame input)
        {
            _sinkInput = input;
            long a0 = GC.GetAllocatedBytesForCurrentThread();
            long t0 = Stopwatch.GetTimestamp();
            var pending = handler.ProcessAsync(input, this, CancellationToken.None);
            if (!pending.IsCompletedSuccessfully) pending.AsTask().GetAwaiter().GetResult();
            long t1 = Stopwatch.GetTimestamp();
            long a1 = GC.GetAllocatedBytesForCurrentThread();
            _sinkInput = null;
            return (t1 - t0, a1 - a0);
        }

        /// <summary>As VideoFramePipeline's CountingSink: the output takes the input's metadata; ownership passes on.</summary>
        public void Emit(VideoFrame frame)
        {
            var input = _sinkInput ?? throw new InvalidOperationException("Emit outside ProcessAsync");
            if (!ReferenceEquals(frame, input)) frame.CopyMetadataFrom(input);
            if (_emitted is not null) throw new InvalidOperationException("more than one output frame");
            _emitted = frame;
        }

        // MediaSession.OnRtp, minus the checks that cannot fire here (closed, other payload type / SSRC).
        private void OnRtp(Span<byte> packet, long nowMs)
        {
            if (!_srtp.Inbound.TryUnprotectRtp(packet, out int length)) throw new InvalidOperationException("SRTP unprotect failed");
            if (!RtpPacketReader.TryParse(packet.Slice(0, length), out var rtp)) throw new InvalidOperationException("bad RTP");
            if (rtp.PayloadType != PayloadType) throw new InvalidOperationException("payload type");
            _receiveStats.OnPacket(rtp.Ssrc, rtp.SequenceNumber, rtp.Timestamp, nowMs);
            _remb.OnPacket(length, nowMs);
            _nack.OnPacket(rtp.SequenceNumber, nowMs);
            if (_assembler.Insert(rtp.SequenceNumber, rtp.Timestamp, rtp.Marker, rtp.Payload, nowMs) != PacketInsertResult.Stored)
                throw new InvalidOperationException("assembler refused a packet");
            // SendNacks + CheckKeyFrameNeed (nothing is lost here, so no RTCP is written)
            if (nowMs >= _nextNackMs)
            {
                _nextNackMs = nowMs + 20;
                if (_nack.GetNackBatch(nowMs, _nackBatch) != 0) throw new InvalidOperationException("unexpected NACK");
            }
            bool need = _nack.TakeKeyframeRequest();
            if (_assembler.NeedKeyFrame) need = true;
            if (need ? _pliThrottle.TryRequest(nowMs) : _pliThrottle.PollPending(nowMs)) throw new InvalidOperationException("unexpected PLI");
        }

        // MediaSession.OnAssembledFrame with the decode timed on its own.
        private void OnAssembledFrame(in AssembledFrame frame)
        {
            if (frame.IsKeyFrame) _nack.OnKeyframe(frame.FirstSequenceNumber);
            long a0 = GC.GetAllocatedBytesForCurrentThread();
            long t0 = Stopwatch.GetTimestamp();
            var status = _decoder.Decode(frame.Data, out var picture);
            long t1 = Stopwatch.GetTimestamp();
            long a1 = GC.GetAllocatedBytesForCurrentThread();
            _decodeTicks += t1 - t0;
            _decodeBytes += a1 - a0;
            if (status != Vp8DecodeStatus.Ok || picture is null) throw new InvalidOperationException($"decode: {status}");
            _framesDecoded++;
            picture.RtpTimestamp = frame.RtpTimestamp;
            picture.Timestamp = frame.ReceiveTimeMs;
            picture.FrameNumber = _framesDecoded;
            if (_picture is not null) throw new InvalidOperationException("two frames assembled from one frame's packets");
            _picture = picture;
        }

        // MediaSession.SendEncodedLocked; the datagram sink is a no-op (a client-side check during warm-up).
        private int SendEncodedLocked(ReadOnlySpan<byte> frame, uint timestamp, long now)
        {
            Span<byte> absSendTime = stackalloc byte[3];
            AbsSendTime.Write(absSendTime, AbsSendTime.FromMilliseconds(now));
            int packets = 0;
            var payloads = _packetizer.Packetize(frame);
            while (payloads.TryWriteNext(_payloadBuffer, out int written, out bool last))
            {
                int length = WriteRtp(_packetBuffer, _seq++, timestamp, LocalSsrc, last, absSendTime, _payloadBuffer.AsSpan(0, written));
                lock (_outGate)
                {
                    _history.Store(_packetBuffer.AsSpan(0, length), now);
                    _sendStats.OnPacketSent(written, timestamp, now);
                    if (!_srtp.Outbound.TryProtectRtp(_packetBuffer, length, out int protectedLength))
                        throw new InvalidOperationException("SRTP protect failed");
                    if (VerifySentPackets) Verify(_packetBuffer.AsSpan(0, protectedLength), length);
                }
                packets++;
            }
            return packets;
        }

        private void Verify(ReadOnlySpan<byte> datagram, int plainLength)
        {
            datagram.CopyTo(_verifyBuffer);
            if (!_clientInbound.TryUnprotectRtp(_verifyBuffer.AsSpan(0, datagram.Length), out int n) || n != plainLength
                || !RtpPacketReader.TryParse(_verifyBuffer.AsSpan(0, n), out var rtp) || !rtp.TryGetExtension(MidExtensionId, out _))
                throw new InvalidOperationException("the client could not read a packet we sent");
        }

        public void Dispose()
        {
            _picture?.Dispose();
            _emitted?.Dispose();
            _assembler.Dispose();
            _decoder.Dispose();
            Encoder.Dispose();
        }
    }
}
