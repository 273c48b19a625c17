namespace WebRtcBridge.WebRtc.Media;

/// <summary>A libvpx call failed in a way the caller must handle (initialisation, configuration, encoding).</summary>
public sealed class Vp8CodecException : Exception
{
    /// <summary>The <c>vpx_codec_err_t</c> value.</summary>
    public int ErrorCode { get; }

    /// <summary>Creates the exception.</summary>
    public Vp8CodecException(string message, int errorCode) : base(message) => ErrorCode = errorCode;
}
