using System.Buffers.Binary;
using System.Security.Cryptography;
using WebRtcBridge.WebRtc.Rtp.Rtcp;
using WebRtcBridge.WebRtc.Sdp;
using WebRtcBridge.WebRtc.Session;
using WebRtcBridge.WebRtc.Srtp;

namespace WebRtcBridge.WebRtc.Tests.Session;

/// <summary>
/// A <see cref="MediaSession"/> without sockets or DTLS: both SRTP directions from random keying material, a sink that
/// records what the session sends, and a "peer" SRTP session to forge authenticated RTCP/RTP at it.
/// </summary>
internal sealed class MediaSessionHarness : IDisposable
{
    public const uint LocalSsrc = 0x11111111, PeerSsrc = 0x22222222;
    private readonly SrtpSession _peer;
    private readonly List<byte[]> _sent = new();

    public MediaSessionHarness(PeerConnectionOptions? options = null, SrtpProtectionProfile profile = SrtpProtectionProfile.AeadAes128Gcm)
    {
        var material = RandomNumberGenerator.GetBytes(SrtpSession.GetKeyingMaterialLength(profile));
        var negotiated = new NegotiatedVideo
        {
            PayloadType = 96,
            RemoteIceUfrag = "peer",
            RemoteIcePwd = "peerPassword0123456789ab",
            RemoteFingerprintAlgorithm = "sha-256",
            RemoteFingerprint = "00",
            LocalDirection = SdpDirection.SendRecv,
            NackAllowed = true,
            PliAllowed = true,
            RtcpReducedSize = true,
        };
        Session = new MediaSession(SrtpSession.Create(profile, material, localIsDtlsClient: false), negotiated,
            options ?? new PeerConnectionOptions { HostAddresses = [] }, LocalSsrc, "harness", d => { lock (_sent) _sent.Add(d.ToArray()); });
        _peer = SrtpSession.Create(profile, material, localIsDtlsClient: true);
    }

    public MediaSession Session { get; }

    /// <summary>Datagrams the session sent so far (SRTP/SRTCP), taken out of the record.</summary>
    public List<byte[]> TakeSent()
    {
        lock (_sent)
        {
            var copy = new List<byte[]>(_sent);
            _sent.Clear();
            return copy;
        }
    }

    public static bool IsRtp(byte[] d) => d.Length >= 12 && d[1] is < 192 or > 223;

    public static ushort Seq(byte[] d) => BinaryPrimitives.ReadUInt16BigEndian(d.AsSpan(2));

    /// <summary>Delivers a generic NACK for <paramref name="seqs"/> (one compound packet, SRTCP-protected by the peer).</summary>
    public void Nack(ReadOnlySpan<ushort> seqs, long nowMs)
    {
        var buffer = new byte[1500];
        var w = new RtcpCompoundWriter(buffer);
        Assert.True(w.WriteGenericNack(PeerSsrc, LocalSsrc, seqs));
        DeliverRtcp(buffer, w.Length, nowMs);
    }

    /// <summary>Delivers a receiver report whose LSR/DLSR make our RTT come out as about zero.</summary>
    public void ReportTinyRtt(long nowMs)
    {
        var buffer = new byte[1500];
        var w = new RtcpCompoundWriter(buffer);
        uint lsr = (uint)(NtpClock.Now() >> 16);
        ReadOnlySpan<ReportBlock> blocks = [new ReportBlock(LocalSsrc, 0, 0, 0, 0, lsr, 0)];
        Assert.True(w.WriteReceiverReport(PeerSsrc, blocks));
        DeliverRtcp(buffer, w.Length, nowMs);
    }

    private void DeliverRtcp(byte[] buffer, int length, long nowMs)
    {
        Assert.True(_peer.Outbound.TryProtectRtcp(buffer, length, out int n));
        Session.OnRtcp(buffer.AsSpan(0, n), nowMs);
    }

    /// <summary>Protects a plain RTP packet as the peer and hands it to the session.</summary>
    public void DeliverRtp(byte[] plain, long nowMs)
    {
        var buffer = new byte[plain.Length + 64];
        plain.CopyTo(buffer, 0);
        Assert.True(_peer.Outbound.TryProtectRtp(buffer, plain.Length, out int n));
        Session.OnRtp(buffer.AsSpan(0, n), nowMs);
    }

    public void Dispose()
    {
        Session.Dispose();
        _peer.Dispose();
    }
}
