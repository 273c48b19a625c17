namespace WebRtcBridge.WebRtc.Media;

/// <summary>What <see cref="FrameSizeGuard.Check"/> decided about one assembled VP8 frame.</summary>
public enum FrameSizeVerdict
{
    /// <summary>Decode it.</summary>
    Accept,
    /// <summary>A keyframe larger than the configured maximum: dropped before decoding.</summary>
    TooLarge,
    /// <summary>A keyframe of a new size beyond the size-change budget: dropped before decoding.</summary>
    TooManySizeChanges,
    /// <summary>A delta frame after a dropped keyframe (its references are missing): dropped until an accepted keyframe.</summary>
    AwaitingKeyFrame,
}
