using WebRtcBridge.MediaRunner.WebRtcSessions;
using WebRtcBridge.Signaling.Hosting;

namespace WebRtcBridge.Signaling.Endpoints;

/// <summary>Turns <c>Bridge</c> configuration into the options of every <c>/webrtc</c> session.</summary>
public static class WebRtcSessionSettings
{
    public static WebRtcSessionOptions From(BridgeOptions o, LimitCounters counters, MediaRunner.Overload.NodeLoad? nodeLoad = null)
    {
        if (o.WebRtc.OfferTimeoutSeconds is <= 0 or > 3600)
            throw new InvalidOperationException("Bridge:WebRtc:OfferTimeoutSeconds must be more than 0 and at most 3600");
        return new WebRtcSessionOptions
        {
            PeerConnection = PeerConnectionSettings.From(o.WebRtc),
            OfferTimeout = TimeSpan.FromSeconds(o.WebRtc.OfferTimeoutSeconds),
            MaxMessageBytes = o.MaxSignalingMessageBytes,
            NodeLoad = nodeLoad,
            Degradation = o.Degradation,
            OversizedMessage = () => counters.Reject(LimitCounters.SignalingMessageBytes),
        };
    }
}
