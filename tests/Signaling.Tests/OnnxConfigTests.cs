using WebRtcBridge.MediaRunner.Onnx;
using WebRtcBridge.Signaling.Hosting;

namespace WebRtcBridge.Signaling.Tests;

/// <summary>An Apps:Onnx entry that cannot work stops the server at build time, naming the key.</summary>
public sealed class OnnxConfigTests
{
    [Fact]
    public void A_missing_model_file_stops_the_start_naming_the_key()
    {
        var e = Assert.Throws<OnnxConfigurationException>(() => BridgeServer.Build(
            ["--urls", "http://127.0.0.1:0", "--Apps:Onnx:0:Id", "me/model", "--Apps:Onnx:0:Model", "/nonexistent/m.onnx"]));
        Assert.Equal("Apps:Onnx:0:Model", e.Key);
    }

    [Fact]
    public void A_bad_value_stops_the_start_naming_the_key()
    {
        var e = Assert.Throws<OnnxConfigurationException>(() => BridgeServer.Build(
            ["--urls", "http://127.0.0.1:0", "--Apps:Onnx:0:Id", "me/model", "--Apps:Onnx:0:Model", "/m.onnx", "--Apps:Onnx:0:Layout", "CHW"]));
        Assert.Equal("Apps:Onnx:0:Layout", e.Key);
    }
}
