using WebRtcBridge.Protocol.MsgPack;

namespace WebRtcBridge.Protocol.Tests.MsgPack;

/// <summary>The per-message element budget (<see cref="MsgPackLimits.MaxElements"/>) for msgpack and JSON.</summary>
public sealed class ElementBudgetTests
{
    private static readonly MsgPackLimits Ten = new() { MaxElements = 10 };

    [Fact]
    public void Default_is_one_million_values()
        => Assert.Equal(1_000_000, MsgPackLimits.Default.MaxElements);

    [Theory]
    [InlineData(10, true)]
    [InlineData(11, false)]
    public void Msgpack_arrays_count_their_items(int count, bool ok)
    {
        var wire = WireShapes.MsgPackArray(count, [0xc0]);
        if (ok) Assert.Equal(count, MsgPackSerializer.Decode(wire, Ten).Count);
        else Assert.Contains("element budget", Assert.Throws<MsgPackException>(() => MsgPackSerializer.Decode(wire, Ten)).Message);
    }

    [Fact]
    public void Msgpack_maps_count_keys_and_values_and_nested_containers_add_up()
    {
        Assert.Equal(5, MsgPackSerializer.Decode(Convert.FromHexString("85a0c0a161c0a162c0a163c0a164c0"), Ten).Count); // 10 values
        Assert.Throws<MsgPackException>(() => MsgPackSerializer.Decode(Convert.FromHexString("86a0c0a161c0a162c0a163c0a164c0a165c0"), Ten));
        // [[nil x 5], [nil x 4]] = 2 + 9 = 11 values.
        Assert.Throws<MsgPackException>(() => MsgPackSerializer.Decode(Convert.FromHexString("9295c0c0c0c0c094c0c0c0c0"), Ten));
        Assert.Equal(2, MsgPackSerializer.Decode(Convert.FromHexString("9295c0c0c0c0c093c0c0c0"), Ten).Count);
    }

    [Fact]
    public void Json_counts_the_same_way()
    {
        Assert.Equal(10, JsonMapping.FromJson(WireShapes.JsonArray(10, "0"), Ten).Count);
        Assert.Contains("element budget", Assert.Throws<MsgPackException>(() => JsonMapping.FromJson(WireShapes.JsonArray(11, "0"), Ten)).Message);
        Assert.Equal(5, JsonMapping.FromJson("""{"a":1,"b":2,"c":3,"d":4,"e":5}""", Ten).Count);
        Assert.Throws<MsgPackException>(() => JsonMapping.FromJson("""{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6}""", Ten));
        Assert.Throws<MsgPackException>(() => JsonMapping.FromJson("[[0,0,0,0,0],[0,0,0,0]]", Ten));
    }

    [Fact]
    public void Json_numbers_out_of_range_are_a_codec_error()
        => Assert.Throws<MsgPackException>(() => JsonMapping.FromJson("[1e400]"));

    [Fact]
    public void Owned_decoding_copies_binaries_so_the_buffer_can_be_reused()
    {
        var wire = MsgPackSerializer.EncodeToArray(MsgValue.Map(("image", new byte[] { 1, 2, 3 }), ("e", MsgValue.FromExt(5, new byte[] { 9 }))));
        var owned = MsgPackSerializer.Decode(wire, null, copyBinaries: true, out var treeBytes);
        var sliced = MsgPackSerializer.Decode(wire);
        Array.Clear(wire);
        Assert.Equal(new byte[] { 1, 2, 3 }, owned["image"].AsBinary().ToArray());
        Assert.Equal(new byte[] { 9 }, owned["e"].AsBinary().ToArray());
        Assert.Equal(new byte[] { 0, 0, 0 }, sliced["image"].AsBinary().ToArray());
        Assert.True(treeBytes > 0);
    }

    [Fact]
    public void Shared_values_keep_their_meaning()
    {
        Assert.Same(MsgValue.EmptyString, MsgValue.FromString(""));
        Assert.Same(MsgValue.FromString("a"), MsgValue.FromString(new string('a', 1)));
        Assert.Same(MsgValue.EmptyArray, MsgValue.FromArray([]));
        Assert.Same(MsgValue.EmptyMap, MsgValue.FromEntries([]));
        Assert.Same(MsgValue.FromInt64(255), MsgValue.FromInt64(255));
        Assert.Same(MsgValue.FromInt64(-128), MsgValue.FromInt64(-128));
        Assert.Equal(256, MsgValue.FromInt64(256).AsInt64());
        Assert.Equal(0, MsgValue.EmptyArray.Count);
        Assert.Equal("", MsgValue.EmptyString.AsString());
        Assert.Equal(0, MsgValue.EmptyBinary.AsBinary().Length);
        var t = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.FromHours(2)).AddTicks(1234);
        Assert.Equal(t, MsgValue.FromTimestamp(t).AsTimestamp());
        Assert.Equal(t.Offset, MsgValue.FromTimestamp(t).AsTimestamp().Offset);
        Assert.Equal(-0.0, MsgValue.FromDouble(-0.0).AsDouble());
        Assert.True(MsgValue.FromSingle(1.5f).IsSingle);
        Assert.Equal((sbyte)-3, MsgValue.FromExt(-3, new byte[] { 1 }).ExtType);
    }
}
