using System.Text;
using WebRtcBridge.WebRtc.Media;
using WebRtcBridge.WebRtc.Rtp;
using WebRtcBridge.WebRtc.Sdp;
using WebRtcBridge.WebRtc.Srtp;

namespace WebRtcBridge.WebRtc.Session;

/// <summary>
/// The media engine of one connected session (mediasoup-style): SRTP both ways, the VP8 send path (encoder,
/// packetizer, send history) and receive path (statistics, NACK, frame assembly, decoder), and RTCP. Inbound
/// packets and <see cref="Tick"/> run on the session's single loop thread; <see cref="SendFrame"/> may come from any
/// thread and meets the loop only under <c>_outGate</c> (outbound SRTP context, send history, send statistics).
/// </summary>
internal sealed partial class MediaSession : IDisposable
{
    /// <summary>VP8 RTP payload limit (descriptor included): 1100 + 12 header + 12 extensions + 16 SRTP tag stays below a 1200-byte MTU.</summary>
    public const int MaxPayloadSize = 1100;
    private const int BufferSize = 1500;

    private readonly SrtpSession _srtp;
    private readonly NegotiatedVideo _negotiated;
    private readonly PeerConnectionOptions _options;
    private readonly DatagramSink _sink;
    private readonly uint _localSsrc;
    private readonly byte[] _cname;
    private readonly byte[] _mid;
    private readonly byte _payloadType;
    private readonly object _outGate = new();
    private readonly bool _sendAllowed;
    private volatile bool _closed;
    private long _malformed;

    public MediaSession(SrtpSession srtp, NegotiatedVideo negotiated, PeerConnectionOptions options, uint localSsrc, string cname, DatagramSink sink)
    {
        _srtp = srtp;
        _negotiated = negotiated;
        _options = options;
        _sink = sink;
        _localSsrc = localSsrc;
        _cname = Encoding.ASCII.GetBytes(cname);
        _mid = Encoding.ASCII.GetBytes(negotiated.Mid ?? "0");
        _payloadType = (byte)negotiated.PayloadType;
        _sendAllowed = negotiated.LocalDirection.Sends(); // an offer that only sends gets a recvonly answer: we must not send
        _sendStats = new RtpSendStatistics(localSsrc);
        _seq = (ushort)Random.Shared.Next(0x10000);
        _packetizer = new Vp8Packetizer(MaxPayloadSize, Random.Shared.Next(0x8000));
        _bitrateKbps = Math.Clamp(options.StartBitrateKbps, options.MinBitrateKbps, options.MaxBitrateKbps);
        _remb = new RembEstimator(_bitrateKbps * 1000L, options.MinBitrateKbps * 1000L, options.MaxBitrateKbps * 1000L);
        _assembler = new FrameAssembler(OnAssembledFrame);
        _sizeGuard = new FrameSizeGuard(options.MaxFrameWidth, options.MaxFrameHeight, options.MaxSizeChangesPerMinute);
        _clockOrigin = Environment.TickCount64;
        _rtpClockBase = (uint)Random.Shared.Next();
    }

    /// <summary>A decoded frame (the handler owns it).</summary>
    public Action<VideoFrame>? FrameReceived;
    /// <summary>A complete frame was assembled.</summary>
    public Action<EncodedFrameInfo>? EncodedFrameReceived;
    /// <summary>The peer asked for a keyframe (PLI/FIR).</summary>
    public Action? KeyFrameRequested;

    /// <summary>Malformed RTP/RTCP/VP8 seen after SRTP.</summary>
    public long Malformed => Interlocked.Read(ref _malformed);

    /// <summary>Loop-thread timer work: NACKs, keyframe requests, frame assembly timeouts, periodic RTCP.</summary>
    public void Tick(long nowMs)
    {
        if (_closed) return;
        _assembler.Poll(nowMs);
        SendNacks(nowMs);
        CheckKeyFrameNeed(nowMs);
        if (nowMs >= _nextReportMs)
        {
            SendReport(nowMs);
            _nextReportMs = nowMs + 900 + Random.Shared.Next(200); // ~1 s, RFC 3550 §6.2 style jitter
        }
    }

    /// <summary>Sends RTCP BYE (with a final report) and stops all media.</summary>
    public void Close()
    {
        if (_closed) return;
        SendBye();
        lock (_encodeGate) _closed = true;
    }

    /// <summary>Frees codec handles, the assembler's buffers and the SRTP keys.</summary>
    public void Dispose()
    {
        lock (_encodeGate)
        {
            _closed = true;
            _encoder?.Dispose();
            _encoder = null;
        }
        _decoder?.Dispose();
        _decoder = null;
        _assembler.Dispose();
        lock (_outGate) _srtp.Dispose();
    }

    private static long NowMs => Environment.TickCount64;
}
