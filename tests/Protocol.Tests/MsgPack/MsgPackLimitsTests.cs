using WebRtcBridge.Protocol.MsgPack;

namespace WebRtcBridge.Protocol.Tests.MsgPack;

/// <summary>Bad input fails with MsgPackException and allocates nothing past the limits.</summary>
public sealed class MsgPackLimitsTests
{
    private static MsgPackException Fails(string hex, MsgPackLimits? limits = null)
        => Assert.Throws<MsgPackException>(() => MsgPackSerializer.Decode(Convert.FromHexString(hex), limits));

    [Theory]
    [InlineData("dd7fffffff00000000")]   // array32 of 2^31-1 elements, 4 bytes left
    [InlineData("df7fffffff0000")]       // map32 of 2^31-1 entries
    [InlineData("db7fffffff61")]         // str32 of 2^31-1 bytes
    [InlineData("c6ffffffff00")]         // bin32 of 2^32-1 bytes
    [InlineData("c9ffffffff0500")]       // ext32 of 2^32-1 bytes
    [InlineData("dc000301")]             // array16 of 3, one element
    public void Lying_lengths_fail_before_allocating(string hex)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Fails(hex);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("bytes", e.Message);
        Assert.True(allocated < 64 * 1024, $"allocated {allocated} bytes");
    }

    [Theory]
    [InlineData("")]
    [InlineData("c1")]
    [InlineData("cd01")]
    [InlineData("a3616263c0")]  // trailing byte
    [InlineData("a2c328")]      // invalid UTF-8
    [InlineData("81c0c0")]      // nil as a map key
    [InlineData("d6ff")]        // truncated timestamp
    [InlineData("d5ff0000")]    // timestamp of 2 bytes
    public void Malformed_input_fails_with_the_codec_exception(string hex) => Fails(hex);

    [Fact]
    public void Depth_is_limited()
    {
        var deep = string.Concat(Enumerable.Repeat("91", 65)) + "c0";
        Assert.Contains("nesting", Fails(deep).Message);
        Assert.Equal(MsgValueKind.Array, MsgPackSerializer.Decode(Convert.FromHexString(string.Concat(Enumerable.Repeat("91", 64)) + "c0")).Kind);
        Assert.Contains("nesting", Fails("9191c0", new MsgPackLimits { MaxDepth = 1 }).Message);
    }

    [Fact]
    public void Size_cap_is_configurable()
    {
        var bytes = MsgPackSerializer.EncodeToArray(MsgValue.Map(("image", new byte[2000])));
        Assert.Contains("exceeds the limit", Assert.Throws<MsgPackException>(() =>
            MsgPackSerializer.Decode(bytes, new MsgPackLimits { MaxMessageSize = 1000 })).Message);
        Assert.Equal(16 * 1024 * 1024, MsgPackLimits.Default.MaxMessageSize);
    }

    [Fact]
    public void Binary_values_point_into_the_message_without_copying()
    {
        var bytes = MsgPackSerializer.EncodeToArray(MsgValue.Map(("a", 1), ("image", new byte[] { 9, 8, 7 })));
        var value = MsgPackSerializer.Decode(bytes);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(value["image"].AsBinary(), out var segment));
        Assert.Same(bytes, segment.Array);
        Assert.Equal(bytes.Length - 3, segment.Offset);
    }

    [Fact]
    public void Random_corruption_only_ever_throws_MsgPackException_and_stays_within_bounds()
    {
        var rng = new Random(20261122);
        var samples = new[]
        {
            MsgValue.Map(("image", new byte[700]), ("filter", "blur"), ("radius", 4), ("request_id", "abc")),
            MsgValue.Map(("list", MsgValue.Array(1, -70000, 3.25, "x", true, null)), ("nested", MsgValue.Map(("t", DateTimeOffset.UnixEpoch)))),
            MsgValue.Array(ulong.MaxValue, long.MinValue, 1.5f, MsgValue.FromExt(3, new byte[20])),
        }.Select(MsgPackSerializer.EncodeToArray).ToArray();
        var failures = 0;
        for (var i = 0; i < 20000; i++)
        {
            var source = samples[i % samples.Length];
            var data = Mutate(source, rng);
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                MsgPackSerializer.Decode(data);
            }
            catch (MsgPackException)
            {
                failures++;
            }
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            // A tree node per input byte at most, plus strings: bounded by a multiple of the input.
            Assert.True(allocated < 64 * 1024 + data.Length * 200L, $"iteration {i}: {allocated} bytes for {data.Length} input bytes");
        }
        Assert.True(failures > 1000, $"only {failures} corruptions were detected");
    }

    private static byte[] Mutate(byte[] source, Random rng)
    {
        var data = (byte[])source.Clone();
        switch (rng.Next(5))
        {
            case 0:
                for (var n = rng.Next(1, 4); n > 0; n--) data[rng.Next(data.Length)] ^= (byte)rng.Next(1, 256);
                return data;
            case 1:
                return data[..rng.Next(data.Length)];
            case 2:
                var at = rng.Next(data.Length);
                return [.. data[..at], (byte)rng.Next(256), .. data[at..]];
            case 3:
                // A length-looking byte set to a huge value.
                var p = rng.Next(data.Length);
                data[p] = (byte)(rng.Next(2) == 0 ? 0xff : 0x7f);
                if (p + 1 < data.Length) data[p + 1] = 0xff;
                return data;
            default:
                data[rng.Next(data.Length)] = (byte)rng.Next(0xc0, 0xe0);
                return data;
        }
    }
}
