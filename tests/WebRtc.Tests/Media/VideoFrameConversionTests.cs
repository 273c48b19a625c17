using WebRtcBridge.WebRtc.Media;

namespace WebRtcBridge.WebRtc.Tests.Media;

public class VideoFrameConversionTests
{
    private static byte[] Solid(int w, int h, byte b0, byte b1, byte b2, byte b3)
    {
        var px = new byte[w * h * 4];
        for (int i = 0; i < px.Length; i += 4) { px[i] = b0; px[i + 1] = b1; px[i + 2] = b2; px[i + 3] = b3; }
        return px;
    }

    [Fact]
    public void RgbaRed_ConvertsToBt601Red()
    {
        var rgba = Solid(16, 8, 255, 0, 0, 255); // memory R,G,B,A = pure red
        using var f = VideoFrame.FromPacked(rgba, 16, 8, 16 * 4, PackedPixelLayout.Rgba, new VideoFramePool());
        // BT.601 limited range red: Y 81, U 90, V 240.
        Assert.InRange(f.Y[0], 79, 84);
        Assert.InRange(f.U[0], 87, 93);
        Assert.InRange(f.V[0], 236, 242);
    }

    [Fact]
    public void BgraRed_ConvertsToSameYuvAsRgbaRed()
    {
        var bgra = Solid(16, 8, 0, 0, 255, 255); // memory B,G,R,A = pure red
        using var f = VideoFrame.FromPacked(bgra, 16, 8, 16 * 4, PackedPixelLayout.Bgra);
        Assert.InRange(f.Y[0], 79, 84);
        Assert.InRange(f.U[0], 87, 93);
        Assert.InRange(f.V[0], 236, 242);
    }

    [Fact]
    public void ByteOrder_SameBytesReadAsRgbaAndBgra_AreRedAndBlue()
    {
        var bytes = Solid(8, 8, 255, 0, 0, 255);
        using var asRgba = VideoFrame.FromPacked(bytes, 8, 8, 32, PackedPixelLayout.Rgba);
        using var asBgra = VideoFrame.FromPacked(bytes, 8, 8, 32, PackedPixelLayout.Bgra);
        Assert.True(asRgba.V[0] > 200, "RGBA 255,0,0 must be red (high V)");
        Assert.True(asBgra.U[0] > 200, "BGRA 255,0,0 must be blue (high U)");
        Assert.InRange(asBgra.Y[0], 38, 44); // BT.601 blue Y = 41

        // And back: I420 red -> Rgba puts 255 in byte 0, -> Bgra puts it in byte 2.
        var outRgba = new byte[8 * 8 * 4];
        var outBgra = new byte[8 * 8 * 4];
        asRgba.CopyToPacked(outRgba, 32, PackedPixelLayout.Rgba);
        asRgba.CopyToPacked(outBgra, 32, PackedPixelLayout.Bgra);
        Assert.True(outRgba[0] > 240 && outRgba[1] < 15 && outRgba[2] < 15 && outRgba[3] == 255);
        Assert.True(outBgra[2] > 240 && outBgra[1] < 15 && outBgra[0] < 15 && outBgra[3] == 255);
    }

    [Theory]
    [InlineData(PackedPixelLayout.Rgba, 64, 48)]
    [InlineData(PackedPixelLayout.Bgra, 64, 48)]
    [InlineData(PackedPixelLayout.Rgba, 33, 17)] // odd sizes: chroma (w+1)/2
    [InlineData(PackedPixelLayout.Bgra, 33, 17)]
    public void RoundTrip_KnownColours_WithinTolerance(PackedPixelLayout layout, int w, int h)
    {
        // 2x2 blocks of one colour each, so 4:2:0 subsampling loses nothing but rounding.
        var rnd = new Random(7);
        int stride = w * 4 + 8; // padded stride
        var src = new byte[stride * h];
        for (int by = 0; by < h; by += 2)
            for (int bx = 0; bx < w; bx += 2)
            {
                byte r = (byte)rnd.Next(40, 216), g = (byte)rnd.Next(40, 216), b = (byte)rnd.Next(40, 216);
                for (int y = by; y < Math.Min(by + 2, h); y++)
                    for (int x = bx; x < Math.Min(bx + 2, w); x++)
                    {
                        int o = y * stride + x * 4;
                        if (layout == PackedPixelLayout.Rgba) { src[o] = r; src[o + 1] = g; src[o + 2] = b; }
                        else { src[o] = b; src[o + 1] = g; src[o + 2] = r; }
                        src[o + 3] = 255;
                    }
            }
        using var f = VideoFrame.FromPacked(src, w, h, stride, layout);
        Assert.Equal((w + 1) / 2, f.ChromaWidth);
        var back = new byte[stride * h];
        f.CopyToPacked(back, stride, layout);
        int maxErr = 0;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w * 4; x++)
                maxErr = Math.Max(maxErr, Math.Abs(src[y * stride + x] - back[y * stride + x]));
        Assert.InRange(maxErr, 0, 6);
    }

    [Fact]
    public void ScaleAndCopy_KeepColourAndMetadata()
    {
        using var src = VideoFrame.Create(640, 480);
        src.Fill(120, 60, 200);
        src.RtpTimestamp = 1234;
        src.FrameNumber = 9;
        using var small = VideoFrame.Create(321, 241);
        src.ScaleTo(small);
        Assert.Equal(1234u, small.RtpTimestamp);
        Assert.All(small.Y.ToArray(), b => Assert.Equal(120, b));
        Assert.All(small.U.ToArray(), b => Assert.Equal(60, b));
        Assert.All(small.V.ToArray(), b => Assert.Equal(200, b));
        using var copy = VideoFrame.Create(640, 480);
        src.CopyTo(copy);
        Assert.True(copy.Data.SequenceEqual(src.Data));
        Assert.Equal(9, copy.FrameNumber);
    }

    [Fact]
    public void Pool_ReusesBuffersOfSameSize_AndFollowsSizeChanges()
    {
        var pool = new VideoFramePool(2);
        for (int i = 0; i < 50; i++)
        {
            using var f = pool.Rent(640, 480);
            f.Y[0] = 1;
        }
        Assert.Equal(1, pool.Created);
        var a = pool.Rent(1280, 720); // bigger: new buffer
        var b = pool.Rent(1280, 720);
        Assert.Equal(3, pool.Created);
        a.Dispose();
        b.Dispose();
        using (pool.Rent(1280, 720)) { }
        Assert.Equal(3, pool.Created);
        Assert.InRange(pool.IdleCount, 1, 2);
        var disposed = pool.Rent(2, 2);
        disposed.Dispose();
        disposed.Dispose(); // idempotent
        Assert.Throws<ObjectDisposedException>(() => disposed.Y.Length);
    }

    [Fact]
    public void CopyFromI420_StridedPlanes()
    {
        int w = 5, h = 3, sy = 8, suv = 4; // odd size, padded strides
        var y = new byte[sy * h];
        var u = new byte[suv * 2];
        var v = new byte[suv * 2];
        for (int r = 0; r < h; r++) for (int c = 0; c < w; c++) y[r * sy + c] = (byte)(r * 10 + c);
        for (int r = 0; r < 2; r++) for (int c = 0; c < 3; c++) { u[r * suv + c] = (byte)(100 + r * 10 + c); v[r * suv + c] = (byte)(200 + r * 10 + c); }
        using var f = VideoFrame.Create(w, h);
        f.CopyFromI420(y, sy, u, suv, v, suv);
        Assert.Equal(new byte[] { 0, 1, 2, 3, 4, 10, 11, 12, 13, 14, 20, 21, 22, 23, 24 }, f.Y.ToArray());
        Assert.Equal(new byte[] { 100, 101, 102, 110, 111, 112 }, f.U.ToArray());
        Assert.Equal(new byte[] { 200, 201, 202, 210, 211, 212 }, f.V.ToArray());
        Assert.Throws<ArgumentException>(() => f.CopyFromI420(y.AsSpan(0, 10), sy, u, suv, v, suv));
    }

    [Fact]
    public void PackedBufferTooSmall_Throws()
    {
        using var f = VideoFrame.Create(16, 16);
        Assert.Throws<ArgumentException>(() => f.CopyFromPacked(new byte[100], 64, PackedPixelLayout.Rgba));
    }
}
