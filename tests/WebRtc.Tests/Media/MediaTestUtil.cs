using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.WebRtc.Tests.Media;

internal static class MediaTestUtil
{
    /// <summary>PSNR (dB) between two same-size planes.</summary>
    public static double Psnr(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        Assert.Equal(a.Length, b.Length);
        double sse = 0;
        for (int i = 0; i < a.Length; i++)
        {
            int d = a[i] - b[i];
            sse += d * d;
        }
        if (sse == 0) return 99;
        double mse = sse / a.Length;
        return 10 * Math.Log10(255.0 * 255.0 / mse);
    }

    public static VideoFrame Pattern(int width, int height, int index)
    {
        var f = VideoFrame.Create(width, height);
        TestPattern.Render(f, index);
        f.RtpTimestamp = (uint)(index * 3000);
        f.FrameNumber = index;
        return f;
    }

    /// <summary>Encodes <paramref name="count"/> pattern frames; returns each encoded frame (null when dropped).</summary>
    public static List<(byte[] Data, bool Key)?> EncodeSequence(Vp8Encoder enc, int width, int height, int count,
        Func<int, bool>? forceKey = null, Action<int>? before = null)
    {
        var list = new List<(byte[], bool)?>();
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        for (int i = 0; i < count; i++)
        {
            before?.Invoke(i);
            using var f = Pattern(width, height, i);
            writer.ResetWrittenCount();
            var r = enc.Encode(f, forceKey?.Invoke(i) ?? false, writer);
            list.Add(r.Encoded ? (writer.WrittenSpan.ToArray(), r.IsKeyFrame) : null);
        }
        return list;
    }
}
