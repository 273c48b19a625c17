using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.WebRtc;

// Overload degradation of the outgoing video (scale, bitrate share, encoder speed), applied from the next SendFrame.
public sealed partial class PeerConnection
{
    private volatile VideoSendAdaptation _sendAdaptation = VideoSendAdaptation.None;

    /// <summary>How the send path lightens its work under overload; <see cref="VideoSendAdaptation.None"/> by default.</summary>
    public VideoSendAdaptation SendAdaptation
    {
        get => _sendAdaptation;
        set => _sendAdaptation = value ?? VideoSendAdaptation.None;
    }
}
