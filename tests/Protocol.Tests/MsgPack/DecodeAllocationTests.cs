using Xunit.Abstractions;
using WebRtcBridge.Protocol.MsgPack;

namespace WebRtcBridge.Protocol.Tests.MsgPack;

/// <summary>
/// Decoding allocates at most <see cref="MsgPackLimits.MaxBytesPerWireByte"/> (32) bytes per wire byte +
/// <see cref="MsgPackLimits.TreeSlackBytes"/>, whatever the shape, measured with the runtime's own count of the bytes
/// this thread allocated; the shapes that would cost more are refused within that allocation.
/// </summary>
public sealed class DecodeAllocationTests(ITestOutputHelper output)
{
    private const int N = 200_000;

    /// <summary>
    /// Bytes the decode allocated, after a warm-up decode so pooled scratch and JIT are not counted: the least of three
    /// runs, since a test on another thread may take the pooled JSON scratch array in between and make one run rent anew.
    /// </summary>
    private static (long Allocated, long TreeBytes, MsgValue Value) Measure(Func<(MsgValue, long)> decode)
    {
        decode();
        (long Allocated, long TreeBytes, MsgValue Value) best = (long.MaxValue, 0, MsgValue.Nil);
        for (var run = 0; run < 3; run++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var (value, treeBytes) = decode();
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated < best.Allocated) best = (allocated, treeBytes, value);
        }
        return best;
    }

    private MsgValue CheckMsgPack(string shape, byte[] wire, double expectedFactor)
    {
        var (allocated, treeBytes, value) = Measure(() =>
            (MsgPackSerializer.Decode(wire, MsgPackLimits.Default, copyBinaries: true, out var t), t));
        return Check("msgpack " + shape, wire.Length, allocated, treeBytes, expectedFactor, value);
    }

    private MsgValue CheckJson(string shape, byte[] wire, double expectedFactor)
    {
        var (allocated, treeBytes, value) = Measure(() => (JsonMapping.FromJson(wire, MsgPackLimits.Default, out var t), t));
        return Check("JSON " + shape, wire.Length, allocated, treeBytes, expectedFactor, value);
    }

    private MsgValue Check(string shape, int wire, long allocated, long treeBytes, double expectedFactor, MsgValue value)
    {
        var factor = (double)allocated / wire;
        output.WriteLine($"{shape,-40} wire {wire,9} B  allocated {allocated,10} B  {factor,6:F2} B per wire byte  (tree estimate {treeBytes} B)");
        Assert.True(allocated <= MsgPackLimits.MaxTreeBytes(wire), $"{shape}: {allocated} B for {wire} wire bytes ({factor:F2}x)");
        // The shape costs what the design says (±0.5 per wire byte), so the worst case is where the docs say it is.
        Assert.InRange(factor, expectedFactor - 0.5, expectedFactor + 0.5);
        // The tree-size figure the session's queue counts is the real allocation (±1% and 1 KB).
        Assert.InRange(treeBytes, allocated * 0.99 - 1024, allocated * 1.01 + 1024);
        return value;
    }

    [Fact]
    public void A_msgpack_value_object_takes_40_bytes()
    {
        var values = new MsgValue[1000];
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < values.Length; i++) values[i] = MsgValue.FromInt64(100_000 + i);
        Assert.Equal(40 * values.Length, GC.GetAllocatedBytesForCurrentThread() - before);
        GC.KeepAlive(values);
    }

    [Fact]
    public void Msgpack_arrays_of_one_byte_values_cost_their_slot_only()
    {
        Assert.Equal(N, CheckMsgPack("{x: [\"\" x N]}", WireShapes.MsgPackMapOfArray(N, [0xa0]), 8)["x"].Count);
        CheckMsgPack("[nil x N]", WireShapes.MsgPackArray(N, [0xc0]), 8);
        CheckMsgPack("[true x N]", WireShapes.MsgPackArray(N, [0xc3]), 8);
        CheckMsgPack("[{} x N]", WireShapes.MsgPackArray(N, [0x80]), 8);
        CheckMsgPack("[[] x N]", WireShapes.MsgPackArray(N, [0x90]), 8);
        CheckMsgPack("[7 x N]", WireShapes.MsgPackArray(N, [0x07]), 8);
        CheckMsgPack("[-5 x N]", WireShapes.MsgPackArray(N, [0xfb]), 8);
        CheckMsgPack("[\"a\" x N]", WireShapes.MsgPackArray(N, [0xa1, (byte)'a']), 4);
        CheckMsgPack("[200 (uint8) x N]", WireShapes.MsgPackArray(N, [0xcc, 200]), 4);
        CheckMsgPack("[-100 (int8) x N]", WireShapes.MsgPackArray(N, [0xd0, 0x9c]), 4);
        CheckMsgPack("[bin0 x N]", WireShapes.MsgPackArray(N, [0xc4, 0x00]), 4);
    }

    [Fact]
    public void Msgpack_worst_shapes_stay_within_the_stated_factor()
    {
        // The worst accepted: one-entry maps and two-item arrays, a 40-byte value + a 40-byte array + a slot per 3 bytes.
        CheckMsgPack("[{\"\": nil} x N]", WireShapes.MsgPackArray(N, [0x81, 0xa0, 0xc0]), 88 / 3.0);
        CheckMsgPack("[[nil, nil] x N]", WireShapes.MsgPackArray(N, [0x92, 0xc0, 0xc0]), 88 / 3.0);
        CheckMsgPack("[\"ab\" x N]", WireShapes.MsgPackArray(N, [0xa2, (byte)'a', (byte)'b']), 80 / 3.0);
        CheckMsgPack("[\"é\" x N]", WireShapes.MsgPackArray(N, [0xa2, 0xc3, 0xa9]), 72 / 3.0);
        CheckMsgPack("[1000 (uint16) x N]", WireShapes.MsgPackArray(N, [0xcd, 0x03, 0xe8]), 48 / 3.0);
        CheckMsgPack("[bin1 (copied) x N]", WireShapes.MsgPackArray(N, [0xc4, 0x01, 0x42]), 80 / 3.0);
        CheckMsgPack("[fixext1 (copied) x N]", WireShapes.MsgPackArray(N, [0xd4, 0x05, 0x42]), 80 / 3.0);
        CheckMsgPack("[float32 x N]", WireShapes.MsgPackArray(N, [0xca, 0x3f, 0xc0, 0x00, 0x00]), 48 / 5.0);
        CheckMsgPack("[timestamp32 x N]", WireShapes.MsgPackArray(N, [0xd6, 0xff, 0, 0, 0, 1]), 48 / 6.0);
    }

    /// <summary>Nested one-element containers would cost 40 to 72 bytes per wire byte: refused, within the budget.</summary>
    [Theory]
    [InlineData("msgpack", "9190", N)]                   // [[nil] x N]: 40 per byte
    [InlineData("msgpack", "919191c0", N)]               // [[[[nil]]] x N]: 58 per byte
    [InlineData("msgpack", "81a081a0c0", N)]             // [{"": {"": nil}} x N]: 35 per byte
    [InlineData("json", "[[[0]]]", N)]                   // 28.8 per byte: accepted
    [InlineData("json", "[[[[[0]]]]]", N)]               // 31.6 per byte but 1M values: the element budget
    [InlineData("json", "[[[[[[[[0]]]]]]]]", N / 4)]     // 32.4 per byte
    public void Shapes_over_the_factor_are_refused_within_the_budget(string format, string element, int count)
    {
        var wire = format == "json" ? WireShapes.JsonArray(count, element) : WireShapes.MsgPackArray(count, Convert.FromHexString(element));
        Func<MsgValue> decode = format == "json"
            ? () => JsonMapping.FromJson(wire)
            : () => MsgPackSerializer.Decode(wire, MsgPackLimits.Default, true, out _);
        try { decode(); } catch (MsgPackException) { }
        var before = GC.GetAllocatedBytesForCurrentThread();
        string outcome;
        try
        {
            outcome = $"accepted, {decode().Count} items";
        }
        catch (MsgPackException e)
        {
            Assert.Contains("budget", e.Message); // the allocation budget, or for the deepest the element budget first
            outcome = "refused";
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"{format} [{element} x N] ({wire.Length} B): {outcome}, {allocated} B allocated ({(double)allocated / wire.Length:F1} per byte)");
        // Refusing costs at most the budget (plus the exception).
        Assert.True(allocated <= MsgPackLimits.MaxTreeBytes(wire.Length) + 16 * 1024, $"{allocated} B for {wire.Length}");
        if (element != "[[[0]]]") Assert.Equal("refused", outcome);
    }

    [Fact]
    public void Nesting_to_the_depth_limit_stays_within_the_stated_factor()
    {
        // 63 levels of one-element arrays around an array of N nils.
        var wire = Enumerable.Repeat((byte)0x91, 63).Concat(WireShapes.MsgPackArray(N, [0xc0])).ToArray();
        CheckMsgPack("[[[...[nil x N]...]]] depth 64", wire, 8);
        var deep = Enumerable.Repeat((byte)0x91, 64).Append((byte)0xc0).ToArray();
        var (allocated, _, _) = Measure(() => (MsgPackSerializer.Decode(deep, MsgPackLimits.Default, true, out var t), t));
        Assert.True(allocated <= 72 * deep.Length, $"{allocated} B for {deep.Length}"); // within the slack
    }

    [Fact]
    public void Json_arrays_of_small_values_cost_their_slot_only()
    {
        Assert.Equal(N, CheckJson("{\"x\": [\"\" x N]}", WireShapes.JsonMapOfArray(N, "\"\""), 8 / 3.0)["x"].Count);
        CheckJson("[null x N]", WireShapes.JsonArray(N, "null"), 8 / 5.0);
        CheckJson("[{} x N]", WireShapes.JsonArray(N, "{}"), 8 / 3.0);
        CheckJson("[[] x N]", WireShapes.JsonArray(N, "[]"), 8 / 3.0);
        CheckJson("[0 x N]", WireShapes.JsonArray(N, "0"), 8 / 2.0);
        CheckJson("[\"a\" x N]", WireShapes.JsonArray(N, "\"a\""), 8 / 4.0);
    }

    [Fact]
    public void Json_worst_shapes_stay_within_the_stated_factor()
    {
        CheckJson("[[0] x N]", WireShapes.JsonArray(N, "[0]"), 80 / 4.0);
        CheckJson("[[0,0] x N]", WireShapes.JsonArray(N, "[0,0]"), 88 / 6.0);
        CheckJson("[{\"\":0} x N]", WireShapes.JsonArray(N, "{\"\":0}"), 88 / 7.0);
        CheckJson("[\"ab\" x N]", WireShapes.JsonArray(N, "\"ab\""), 80 / 5.0);
        CheckJson("[1000 x N]", WireShapes.JsonArray(N, "1000"), 48 / 5.0);
    }

    [Fact]
    public void The_json_number_path_allocates_nothing_per_number()
    {
        // Small integers: nothing at all per number; the array (24 + 8 N bytes) and its value (40) are all there is.
        var (small, _, _) = Measure(() => (JsonMapping.FromJson(WireShapes.JsonArray(N, "42"), MsgPackLimits.Default, out var t), t));
        var wireArray = WireShapes.JsonArray(N, "42");
        (small, _, _) = Measure(() => (JsonMapping.FromJson(wireArray, MsgPackLimits.Default, out var t), t));
        Assert.InRange(small, 24 + 8L * N + 40, 24 + 8L * N + 40 + 512);
        // Other numbers: exactly their 40-byte value each, no parsing garbage (the old path allocated three arrays per number).
        foreach (var number in new[] { "1000", "-123456789", "1.5", "2.5e10", "18446744073709551615", "123456789012345678901234567890" })
        {
            var wire = WireShapes.JsonArray(N, number);
            var (allocated, _, value) = Measure(() => (JsonMapping.FromJson(wire, MsgPackLimits.Default, out var t), t));
            output.WriteLine($"[{number} x N]: {(allocated - 24 - 8.0 * N - 40) / N:F2} B per number beyond its slot");
            Assert.InRange(allocated, 24 + 8L * N + 40 + 40L * N, 24 + 8L * N + 40 + 40L * N + 512);
            Assert.Equal(N, value.Count);
        }
    }

    [Fact]
    public void The_16_million_empty_strings_message_is_refused_before_allocating()
    {
        var wire = WireShapes.MsgPackMapOfArray(16_000_000, [0xa0]);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<MsgPackException>(() => MsgPackSerializer.Decode(wire, MsgPackLimits.Default, true, out _));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("element budget", e.Message);
        Assert.True(allocated < 16 * 1024, $"allocated {allocated} bytes");
        output.WriteLine($"16M empty strings ({wire.Length} B): refused, {allocated} B allocated: {e.Message}");
    }
}
