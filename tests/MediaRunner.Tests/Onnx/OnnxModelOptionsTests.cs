using WebRtcBridge.MediaRunner.Onnx;

namespace WebRtcBridge.MediaRunner.Tests.Onnx;

public sealed class OnnxModelOptionsTests
{
    private static OnnxModelOptions Parse(params (string Key, string Value)[] entries)
    {
        var map = new Dictionary<string, string> { ["Id"] = "me/model", ["Model"] = "/tmp/m.onnx" };
        foreach (var (k, v) in entries) map[k] = v;
        return OnnxModelOptions.Parse("Apps:Onnx:3", k => map.GetValueOrDefault(k));
    }

    private static OnnxConfigurationException Bad(params (string Key, string Value)[] entries)
        => Assert.Throws<OnnxConfigurationException>(() => Parse(entries));

    [Fact]
    public void Defaults_are_image_nchw_rgb_0_to_1_one_run_one_thread_cpu()
    {
        var o = Parse();
        Assert.Equal("me/model", o.Id.ToString());
        Assert.Equal(OnnxMode.Image, o.Mode);
        Assert.Equal(TensorLayout.Nchw, o.Layout);
        Assert.Equal(ChannelOrder.Rgb, o.ChannelOrder);
        Assert.Equal(1f / 255f, o.Scale);
        Assert.Equal([0f, 0f, 0f], o.Mean);
        Assert.Equal([1f, 1f, 1f], o.Std);
        Assert.Equal(1, o.MaxConcurrentRuns);
        Assert.Equal(1, o.IntraOpNumThreads);
        Assert.Equal(OnnxDevice.Cpu, o.Device);
        Assert.Equal("blur", o.Background);
        Assert.Equal(4096, o.MaxResultValues);
    }

    [Fact]
    public void Every_key_is_read_case_insensitively_for_names()
    {
        var o = Parse(("Mode", "MASK"), ("Layout", "nhwc"), ("ChannelOrder", "BGR"), ("Scale", "1"), ("Mean", "0.5, 0.4,0.3"),
            ("Std", "0.2"), ("Background", "0,255,0"), ("MaxConcurrentRuns", "3"), ("IntraOpNumThreads", "2"), ("Device", "cuda"),
            ("MaxResultValues", "10"));
        Assert.Equal(OnnxMode.Mask, o.Mode);
        Assert.Equal(TensorLayout.Nhwc, o.Layout);
        Assert.Equal(ChannelOrder.Bgr, o.ChannelOrder);
        Assert.Equal(1f, o.Scale);
        Assert.Equal([0.5f, 0.4f, 0.3f], o.Mean);
        Assert.Equal([0.2f, 0.2f, 0.2f], o.Std);
        Assert.Equal("0,255,0", o.Background);
        Assert.Equal(3, o.MaxConcurrentRuns);
        Assert.Equal(2, o.IntraOpNumThreads);
        Assert.Equal(OnnxDevice.Cuda, o.Device);
        Assert.Equal(10, o.MaxResultValues);
    }

    [Theory]
    [InlineData("Mode", "segment", "Apps:Onnx:3:Mode")]
    [InlineData("Mode", "1", "Apps:Onnx:3:Mode")]
    [InlineData("Layout", "CHW", "Apps:Onnx:3:Layout")]
    [InlineData("ChannelOrder", "RGBA", "Apps:Onnx:3:ChannelOrder")]
    [InlineData("Scale", "0", "Apps:Onnx:3:Scale")]
    [InlineData("Mean", "0.5,0.5", "Apps:Onnx:3:Mean")]
    [InlineData("Mean", "a,b,c", "Apps:Onnx:3:Mean")]
    [InlineData("Std", "1,0,1", "Apps:Onnx:3:Std")]
    [InlineData("Background", "green", "Apps:Onnx:3:Background")]
    [InlineData("Background", "0,256,0", "Apps:Onnx:3:Background")]
    [InlineData("MaxConcurrentRuns", "0", "Apps:Onnx:3:MaxConcurrentRuns")]
    [InlineData("MaxConcurrentRuns", "65", "Apps:Onnx:3:MaxConcurrentRuns")]
    [InlineData("IntraOpNumThreads", "-1", "Apps:Onnx:3:IntraOpNumThreads")]
    [InlineData("Device", "gpu", "Apps:Onnx:3:Device")]
    [InlineData("Id", "justone", "Apps:Onnx:3:Id")]
    [InlineData("Id", "", "Apps:Onnx:3:Id")]
    [InlineData("Model", " ", "Apps:Onnx:3:Model")]
    public void A_bad_value_is_an_error_naming_its_key(string key, string value, string expectedKey)
    {
        var e = Bad((key, value));
        Assert.Equal(expectedKey, e.Key);
        Assert.StartsWith(expectedKey + ": ", e.Message);
    }
}
