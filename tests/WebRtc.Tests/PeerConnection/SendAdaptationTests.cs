using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.WebRtc.Tests.PeerConnection;

/// <summary>The send path's overload knobs (<see cref="VideoSendAdaptation"/>): downscale before encode, bitrate share, speed.</summary>
[Collection(PeerConnectionCollection.Name)]
public class SendAdaptationTests
{
    [Fact(Timeout = 60_000)]
    public async Task A_scaled_adaptation_sends_smaller_frames_and_None_restores_the_size()
    {
        await using var pair = new PeerPair();
        var sizes = new List<(int W, int H)>();
        pair.Client.FrameReceived += f =>
        {
            lock (sizes) sizes.Add((f.Width, f.Height));
            f.Dispose();
        };
        await pair.ConnectAsync();
        await PeerPair.SendFramesAsync(pair.Server, 5, 640, 480);

        pair.Server.SendAdaptation = new VideoSendAdaptation { Scale = 0.5, BitrateFactor = 0.25, CpuUsed = -10 };
        await PeerPair.SendFramesAsync(pair.Server, 10, 640, 480);
        await PeerConnectionLoopbackTests.WaitUntilAsync(() => { lock (sizes) return sizes.Contains((320, 240)); }, TimeSpan.FromSeconds(20));

        pair.Server.SendAdaptation = VideoSendAdaptation.None;
        lock (sizes) sizes.Clear();
        await PeerPair.SendFramesAsync(pair.Server, 10, 640, 480);
        await PeerConnectionLoopbackTests.WaitUntilAsync(() => { lock (sizes) return sizes.Contains((640, 480)); }, TimeSpan.FromSeconds(20));
    }

    [Theory]
    [InlineData(640, 480, 0.75, 480, 360)]
    [InlineData(640, 480, 0.5, 320, 240)]
    [InlineData(1280, 720, 0.75, 960, 540)]
    [InlineData(30, 20, 0.5, 16, 16)]
    [InlineData(641, 481, 1.0, 641, 481)]
    public void Scaled_sizes_are_even_and_at_least_16(int w, int h, double scale, int ew, int eh)
        => Assert.Equal((ew, eh), new VideoSendAdaptation { Scale = scale }.ScaledSize(w, h));

    [Fact]
    public void Out_of_range_knobs_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new VideoSendAdaptation { Scale = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new VideoSendAdaptation { BitrateFactor = 1.5 });
        using var encoder = new Vp8Encoder();
        Assert.Throws<ArgumentOutOfRangeException>(() => encoder.SetCpuUsed(-17));
    }

    [Fact]
    public void SetCpuUsed_takes_effect_at_the_next_frame_and_survives_a_size_change()
    {
        using var encoder = new Vp8Encoder(new Vp8EncoderSettings { CpuUsed = -6 });
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        using var small = VideoFrame.Create(320, 240);
        small.Fill(80, 128, 128);
        encoder.Encode(small, false, output);
        encoder.SetCpuUsed(-10);
        Assert.Equal(-6, encoder.CpuUsed);
        small.RtpTimestamp = 3000;
        encoder.Encode(small, false, output);
        Assert.Equal(-10, encoder.CpuUsed);
        using var large = VideoFrame.Create(640, 480);
        large.Fill(80, 128, 128);
        large.RtpTimestamp = 6000;
        encoder.Encode(large, false, output);
        Assert.Equal(-10, encoder.CpuUsed);
        Assert.Equal(1, encoder.Reinitializations);
    }
}
