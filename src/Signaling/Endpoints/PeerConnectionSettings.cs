using System.Net;
using WebRtcBridge.Signaling.Hosting;
using WebRtcBridge.WebRtc;
using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.Signaling.Endpoints;

/// <summary>Turns <c>Bridge:WebRtc</c> configuration into <see cref="PeerConnectionOptions"/> (validated at start).</summary>
public static class PeerConnectionSettings
{
    public static PeerConnectionOptions From(WebRtcOptions o)
    {
        static IPAddress Parse(string text, string key) => IPAddress.TryParse(text, out var a) ? a
            : throw new InvalidOperationException($"Bridge:WebRtc:{key} '{text}' is not an IP address");
        if (o.EncoderSpeed is < -16 or > 16) throw new InvalidOperationException("Bridge:WebRtc:EncoderSpeed must be -16..16");
        if (o.MinPort < 0 || o.MaxPort > 65535 || o.MinPort > o.MaxPort)
            throw new InvalidOperationException("Bridge:WebRtc:MinPort/MaxPort must be a range within 0..65535");
        if (o.MaxFrameWidth is < 16 or > 16383 || o.MaxFrameHeight is < 16 or > 16383)
            throw new InvalidOperationException("Bridge:WebRtc:MaxFrameWidth/MaxFrameHeight must be 16..16383");
        if (o.MaxSizeChangesPerMinute is < 0 or > 3600) throw new InvalidOperationException("Bridge:WebRtc:MaxSizeChangesPerMinute must be 0..3600");
        var hostAddresses = o.HostAddresses.Count > 0 ? o.HostAddresses.Select(a => Parse(a, "HostAddresses")).ToArray() : null;
        return new PeerConnectionOptions
        {
            HostAddresses = hostAddresses ?? PeerConnectionOptions.DefaultHostAddresses(),
            // One configured address: bind to it, so replies leave from the candidate's address. A socket on 0.0.0.0
            // answers from whatever source the kernel's route picks, and a peer that checks symmetry (RFC 8445
            // §7.2.5.2.1; aiortc does) fails the pair when that is another local address.
            BindAddress = hostAddresses is [var only] ? only : IPAddress.Any,
            AnnouncedAddress = o.AnnouncedAddress is { Length: > 0 } announced ? Parse(announced, "AnnouncedAddress") : null,
            MinPort = o.MinPort,
            MaxPort = o.MaxPort,
            Encoder = new Vp8EncoderSettings { CpuUsed = o.EncoderSpeed },
            StartBitrateKbps = o.StartBitrateKbps,
            MaxBitrateKbps = o.MaxBitrateKbps,
            MaxFrameWidth = o.MaxFrameWidth,
            MaxFrameHeight = o.MaxFrameHeight,
            MaxSizeChangesPerMinute = o.MaxSizeChangesPerMinute,
        };
    }
}
