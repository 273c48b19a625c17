namespace WebRtcBridge.WebRtc.Media;

/// <summary>Outcome of one <see cref="Vp8Encoder.Encode"/> call.</summary>
/// <param name="Length">Bytes of VP8 frame written to the output (0 when dropped).</param>
/// <param name="IsKeyFrame">The output is a keyframe.</param>
public readonly record struct Vp8EncodeResult(int Length, bool IsKeyFrame)
{
    /// <summary>False when the rate controller dropped the frame (nothing written).</summary>
    public bool Encoded => Length > 0;
}
