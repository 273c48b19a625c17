using System.Text;
using WebRtcBridge.Protocol.MsgPack;

namespace WebRtcBridge.Protocol.Tests.MsgPack;

public sealed class JsonMappingTests
{
    [Fact]
    public void Json_maps_to_msgpack_values_and_back()
    {
        var json = """{"s":"h\u00e9","i":42,"neg":-3,"big":18446744073709551615,"f":2.5,"e":2.5e-3,"t":true,"n":null,"a":[1,"x"],"m":{"k":[]}}""";
        var v = JsonMapping.FromJson(json);
        Assert.Equal("hé", v["s"].AsString());
        Assert.Equal(MsgValueKind.Int, v["i"].Kind);
        Assert.Equal(-3, v["neg"].AsInt64());
        Assert.Equal(MsgValueKind.UInt, v["big"].Kind);
        Assert.Equal(MsgValueKind.Float, v["f"].Kind);
        Assert.Equal(MsgValueKind.Float, v["e"].Kind);
        Assert.True(v["t"].AsBool());
        Assert.True(v["n"].IsNil);
        Assert.Equal("x", v["a"][1].AsString());
        var again = JsonMapping.FromJson(JsonMapping.ToJsonString(v));
        Assert.Equal(v, again);
        Assert.Equal(v, MsgPackSerializer.Decode(MsgPackSerializer.EncodeToArray(v)));
    }

    [Fact]
    public void Binary_becomes_base64_and_bytes_fields_accept_base64_and_data_uris()
    {
        var v = MsgValue.Map(("b", new byte[] { 1, 2, 255 }));
        Assert.Equal("""{"b":"AQL/"}""", JsonMapping.ToJsonString(v));
        Assert.True(JsonMapping.TryGetBytes(MsgValue.FromString("AQL/"), out var b64));
        Assert.Equal(new byte[] { 1, 2, 255 }, b64.ToArray());
        Assert.True(JsonMapping.TryGetBytes(MsgValue.FromString("data:image/png;base64,AQL/"), out var uri));
        Assert.Equal(new byte[] { 1, 2, 255 }, uri.ToArray());
        Assert.False(JsonMapping.TryGetBytes(MsgValue.FromString("data:text/plain,hello"), out _));
        Assert.False(JsonMapping.TryGetBytes(MsgValue.FromString("not base64!"), out _));
        Assert.False(JsonMapping.TryGetBytes(MsgValue.FromInt64(3), out _));
    }

    [Fact]
    public void Special_values_have_documented_json_forms()
    {
        Assert.Equal("[null,null]", JsonMapping.ToJsonString(MsgValue.Array(double.NaN, double.PositiveInfinity)));
        Assert.Equal("""{"$ext":7,"data":"AQ=="}""", JsonMapping.ToJsonString(MsgValue.FromExt(7, new byte[] { 1 })));
        Assert.Equal("\"1970-01-01T00:00:01.0000000Z\"", JsonMapping.ToJsonString(MsgValue.FromTimestamp(DateTimeOffset.UnixEpoch.AddSeconds(1))));
        var intKeys = MsgPackSerializer.Decode(Convert.FromHexString("8101a161")); // {1:"a"}
        Assert.Equal("""{"1":"a"}""", JsonMapping.ToJsonString(intKeys));
    }

    [Theory]
    [InlineData("{\"a\":")]
    [InlineData("{'a':1}")]
    [InlineData("[1,2")]
    [InlineData("{} {}")]
    [InlineData("")]
    [InlineData("nul")]
    public void Invalid_json_throws_the_codec_exception(string json)
        => Assert.Throws<MsgPackException>(() => JsonMapping.FromJson(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void Json_limits_apply()
    {
        var deep = new string('[', 70) + new string(']', 70);
        Assert.Throws<MsgPackException>(() => JsonMapping.FromJson(deep));
        Assert.Throws<MsgPackException>(() => JsonMapping.FromJson("[1,2,3]", new MsgPackLimits { MaxMessageSize = 3 }));
    }

    [Fact]
    public void Random_corruption_of_json_only_throws_the_codec_exception()
    {
        var rng = new Random(7);
        var source = Encoding.UTF8.GetBytes("""{"image":"AQIDBA==","filter":"blur","radius":4.5,"list":[1,{"a":null}],"ok":true}""");
        for (var i = 0; i < 5000; i++)
        {
            var data = (byte[])source.Clone();
            data[rng.Next(data.Length)] = (byte)rng.Next(256);
            try { JsonMapping.FromJson(data); }
            catch (MsgPackException) { }
        }
    }
}
