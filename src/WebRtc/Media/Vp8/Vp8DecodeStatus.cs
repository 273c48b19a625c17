namespace WebRtcBridge.WebRtc.Media;

/// <summary>Outcome of <see cref="Vp8Decoder.Decode"/>.</summary>
public enum Vp8DecodeStatus
{
    /// <summary>A frame was decoded and returned.</summary>
    Ok,
    /// <summary>Input accepted but no displayable frame came out (e.g. an invisible frame).</summary>
    NoFrame,
    /// <summary>Rejected before libvpx: empty, bad keyframe header, or dimensions above the decoder's limit.</summary>
    InvalidInput,
    /// <summary>libvpx returned an error (corrupt or undecodable input, missing reference). Request a keyframe.</summary>
    Error,
    /// <summary>libvpx decoded but flagged the frame corrupted (VP8D_GET_FRAME_CORRUPTED); dropped. Request a keyframe.</summary>
    Corrupted,
}
