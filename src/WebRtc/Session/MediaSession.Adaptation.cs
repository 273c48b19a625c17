using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.WebRtc.Session;

// Send-side overload adaptation (VideoSendAdaptation): a downscale before the encoder, a share of the target bitrate,
// and an encoder speed. Applied under _encodeGate at the next frame.
internal sealed partial class MediaSession
{
    private VideoSendAdaptation _appliedAdaptation = VideoSendAdaptation.None;
    private double _bitrateFactor = 1;
    private readonly VideoFramePool _scaledFrames = new(2);

    /// <summary>Under _encodeGate, with the encoder created.</summary>
    private void ApplyAdaptationLocked(VideoSendAdaptation adaptation)
    {
        if (ReferenceEquals(adaptation, _appliedAdaptation)) return;
        _appliedAdaptation = adaptation;
        Volatile.Write(ref _bitrateFactor, adaptation.BitrateFactor);
        _encoder!.SetCpuUsed(adaptation.CpuUsed ?? _options.Encoder.CpuUsed);
        _encoder.SetBitrate(EffectiveBitrateKbps(Volatile.Read(ref _bitrateKbps)));
    }

    /// <summary>The encoder's target: the REMB-driven bitrate times the adaptation's share (at least 30 kbit/s).</summary>
    private int EffectiveBitrateKbps(int kbps) => Math.Max(30, (int)(kbps * Volatile.Read(ref _bitrateFactor)));

    /// <summary>The frame to encode: <paramref name="frame"/> itself, or a downscaled copy the caller disposes.</summary>
    private VideoFrame ScaleForSend(VideoFrame frame, VideoSendAdaptation adaptation)
    {
        var (w, h) = adaptation.ScaledSize(frame.Width, frame.Height);
        if (w == frame.Width && h == frame.Height) return frame;
        var scaled = _scaledFrames.Rent(w, h);
        frame.ScaleTo(scaled, ScaleFilter.Bilinear);
        return scaled;
    }
}
