using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using WebRtcBridge.WebRtc.Dtls;
using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.WebRtc;

/// <summary>Settings of one <see cref="PeerConnection"/> (socket, candidates, codec, timeouts).</summary>
public sealed record PeerConnectionOptions
{
    /// <summary>Addresses offered as host candidates; default: every up, non-loopback IPv4 address of the machine.</summary>
    public IReadOnlyList<IPAddress> HostAddresses { get; init; } = DefaultHostAddresses();
    /// <summary>Address the UDP socket binds to.</summary>
    public IPAddress BindAddress { get; init; } = IPAddress.Any;
    /// <summary>1:1 NAT public address, added as an extra host candidate with the same port.</summary>
    public IPAddress? AnnouncedAddress { get; init; }
    /// <summary>Lowest UDP port to bind (0 with <see cref="MaxPort"/> 0 = ephemeral).</summary>
    public int MinPort { get; init; }
    /// <summary>Highest UDP port to bind (inclusive).</summary>
    public int MaxPort { get; init; }
    /// <summary>VP8 encoder settings (the bitrate is overridden by <see cref="StartBitrateKbps"/>).</summary>
    public Vp8EncoderSettings Encoder { get; init; } = new();
    /// <summary>Initial encoder bitrate.</summary>
    public int StartBitrateKbps { get; init; } = 1000;
    /// <summary>Upper bound for REMB-driven bitrate changes (and the REMB we send).</summary>
    public int MaxBitrateKbps { get; init; } = 2500;
    /// <summary>Lower bound for REMB-driven bitrate changes (and the REMB we send).</summary>
    public int MinBitrateKbps { get; init; } = 100;
    /// <summary>ICE consent: no valid check (lite) or response (controlling) for this long fails the connection (RFC 7675).</summary>
    public TimeSpan ConsentTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>ICE must connect within this time.</summary>
    public TimeSpan IceConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>DTLS handshake deadline.</summary>
    public TimeSpan DtlsHandshakeTimeout { get; init; } = TimeSpan.FromSeconds(15);
    /// <summary>Largest incoming video frame decoded, width (the box applies in either orientation: 1080x1920 fits 1920x1080).
    /// Checked from the VP8 keyframe header before decoding; larger frames are dropped and counted. 16..16383.</summary>
    public int MaxFrameWidth { get; init; } = 1920;
    /// <summary>Largest incoming video frame decoded, height (see <see cref="MaxFrameWidth"/>). 16..16383.</summary>
    public int MaxFrameHeight { get; init; } = 1080;
    /// <summary>Changes of the incoming frame size accepted in any 60 s (each reallocates the decoder and re-creates the
    /// encoder of the reply); keyframes of a new size beyond it are dropped and counted. 0..3600.</summary>
    public int MaxSizeChangesPerMinute { get; init; } = 10;
    /// <summary>Where the DTLS certificate comes from (null: <see cref="DtlsCertificateProvider.Shared"/>, rotated every 7 days).</summary>
    public DtlsCertificateProvider? Certificates { get; init; }
    /// <summary>False: incoming frames are assembled and counted (<see cref="PeerConnection.EncodedFrameReceived"/>) but not decoded.</summary>
    public bool DecodeIncoming { get; init; } = true;

    /// <summary>Every up, non-loopback IPv4 address (loopback when there is none).</summary>
    public static IReadOnlyList<IPAddress> DefaultHostAddresses()
    {
        var list = new List<IPAddress>();
        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                if (nic.OperationalStatus != OperationalStatus.Up || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback) continue;
                foreach (var ua in nic.GetIPProperties().UnicastAddresses)
                {
                    var a = ua.Address;
                    if (a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a) && !list.Contains(a)) list.Add(a);
                }
            }
        }
        catch (NetworkInformationException)
        {
        }
        if (list.Count == 0) list.Add(IPAddress.Loopback);
        return list;
    }
}
