using WebRtcBridge.Protocol.Binding;
using WebRtcBridge.Protocol.MsgPack;

namespace WebRtcBridge.Protocol.Tests.Binding;

public sealed class RecordBinderTests
{
    public enum Mode { Fast, HighQuality }

    public sealed record Child(string Name, int Weight = 1);

    public sealed record Input(
        string Prompt,
        ReadOnlyMemory<byte> ImageBytes,
        int Steps = 4,
        double? Strength = null,
        Mode Mode = Mode.Fast,
        IReadOnlyList<Child>? Children = null,
        [property: MsgField("seed_value")] long Seed = 0,
        [property: MsgExtensionData] IReadOnlyDictionary<string, MsgValue>? Extra = null);

    private static readonly RecordBinder<Input> Binder = RecordBinder.For<Input>();

    [Fact]
    public void Binds_snake_case_fields_defaults_nested_records_and_extension_data()
    {
        var value = MsgValue.Map(("prompt", "cat"), ("image_bytes", new byte[] { 1, 2 }), ("steps", 8), ("strength", 0.5),
            ("mode", "high_quality"), ("children", MsgValue.Array(MsgValue.Map(("name", "a")), MsgValue.Map(("name", "b"), ("weight", 3)))),
            ("seed_value", 99), ("request_id", "r"));
        var input = Binder.FromValue(value);
        Assert.Equal("cat", input.Prompt);
        Assert.Equal(new byte[] { 1, 2 }, input.ImageBytes.ToArray());
        Assert.Equal(8, input.Steps);
        Assert.Equal(0.5, input.Strength);
        Assert.Equal(Mode.HighQuality, input.Mode);
        Assert.Equal(3, input.Children![1].Weight);
        Assert.Equal(1, input.Children[0].Weight);
        Assert.Equal(99, input.Seed);
        Assert.Equal("r", input.Extra!["request_id"].AsString());
    }

    [Fact]
    public void Json_inputs_may_carry_bytes_as_base64()
    {
        var input = Binder.FromValue(JsonMapping.FromJson("""{"prompt":"x","image_bytes":"data:image/png;base64,AQI="}"""));
        Assert.Equal(new byte[] { 1, 2 }, input.ImageBytes.ToArray());
        Assert.Null(input.Strength);
        Assert.Equal(4, input.Steps);
    }

    [Theory]
    [InlineData("""{"image_bytes":"AQI="}""", "prompt", "field required")]
    [InlineData("""{"prompt":3,"image_bytes":"AQI="}""", "prompt", "expected a string")]
    [InlineData("""{"prompt":"x","image_bytes":5}""", "image_bytes", "expected bytes")]
    [InlineData("""{"prompt":"x","image_bytes":"AQI=","steps":2.5}""", "steps", "expected an integer")]
    [InlineData("""{"prompt":"x","image_bytes":"AQI=","steps":99999999999}""", "steps", "must be between")]
    [InlineData("""{"prompt":"x","image_bytes":"AQI=","mode":"slow"}""", "mode", "must be one of fast, high_quality")]
    [InlineData("""{"prompt":"x","image_bytes":"AQI=","children":[{"weight":1}]}""", "children[0].name", "field required")]
    [InlineData("""{"prompt":"x","image_bytes":"AQI=","children":{}}""", "children", "expected an array")]
    public void Errors_name_the_field(string json, string field, string problem)
    {
        var e = Assert.Throws<InputValidationException>(() => Binder.FromValue(JsonMapping.FromJson(json)));
        Assert.Equal(field, e.Field);
        Assert.Contains(problem, e.Problem);
    }

    public sealed record Output(IReadOnlyList<Child> Images, string? Missing, ReadOnlyMemory<byte> Content, double Score);

    [Fact]
    public void Records_write_as_maps_without_null_fields()
    {
        var value = RecordBinder.For<Output>().ToValue(new Output([new Child("a", 2)], null, new byte[] { 7 }, 0.25));
        Assert.Equal("""{"images":[{"name":"a","weight":2}],"content":"Bw==","score":0.25}""", JsonMapping.ToJsonString(value));
        Assert.Equal(MsgValueKind.Binary, value["content"].Kind);
    }

    [Theory]
    [InlineData("RequestId", "request_id")]
    [InlineData("ImageURL", "image_url")]
    [InlineData("Steps", "steps")]
    [InlineData("MaxBatchSize", "max_batch_size")]
    public void Snake_case(string name, string expected) => Assert.Equal(expected, NameConvention.ToSnakeCase(name));
}
