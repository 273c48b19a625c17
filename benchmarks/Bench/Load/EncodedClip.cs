using System.Buffers;
using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.Bench.Load;

/// <summary>
/// A VP8 stream encoded once up front (TestPattern content, realtime settings), so a load client can replay it over
/// WebRTC to many sessions without spending CPU on encoding. Frame 0 is the only keyframe; a replay restarts at 0
/// when the server asks for a keyframe.
/// </summary>
public sealed class EncodedClip
{
    private readonly byte[][] _frames;

    private EncodedClip(byte[][] frames, int width, int height)
    {
        _frames = frames;
        Width = width;
        Height = height;
    }

    public int Width { get; }
    public int Height { get; }
    public int Count => _frames.Length;
    public ReadOnlySpan<byte> this[int index] => _frames[index];
    public double MeanBytes => _frames.Average(f => f.Length);

    public static EncodedClip Encode(int width, int height, int frames, int bitrateKbps, int cpuUsed)
    {
        using var encoder = new Vp8Encoder(new Vp8EncoderSettings { TargetBitrateKbps = bitrateKbps, CpuUsed = cpuUsed, Threads = 1 });
        using var source = VideoFrame.Create(width, height);
        var writer = new ArrayBufferWriter<byte>(256 * 1024);
        var list = new List<byte[]>(frames);
        for (int i = 0; list.Count < frames && i < frames * 2; i++)
        {
            TestPattern.Render(source, i);
            source.RtpTimestamp = (uint)(i * 3000);
            writer.ResetWrittenCount();
            if (encoder.Encode(source, list.Count == 0, writer).Encoded) list.Add(writer.WrittenSpan.ToArray());
        }
        return new EncodedClip(list.ToArray(), width, height);
    }
}
