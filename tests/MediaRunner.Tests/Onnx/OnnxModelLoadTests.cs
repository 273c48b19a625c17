using Microsoft.Extensions.Logging;
using WebRtcBridge.MediaRunner.Onnx;

namespace WebRtcBridge.MediaRunner.Tests.Onnx;

public sealed class OnnxModelLoadTests
{
    private static OnnxConfigurationException Refused(OnnxModelOptions options)
        => Assert.Throws<OnnxConfigurationException>(() => OnnxTestKit.Load(options).Dispose());

    [Fact]
    public void A_missing_model_file_names_the_Model_key_and_the_path()
    {
        var e = Refused(OnnxTestKit.Options("invert.onnx") with { Model = "/nonexistent/model.onnx", KeyPrefix = "Apps:Onnx:7" });
        Assert.Equal("Apps:Onnx:7:Model", e.Key);
        Assert.Contains("/nonexistent/model.onnx", e.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_model_names_the_Model_key()
    {
        var path = Path.Combine(Path.GetTempPath(), $"not-a-model-{Guid.NewGuid():N}.onnx");
        File.WriteAllText(path, "this is not protobuf");
        try
        {
            var e = Refused(OnnxTestKit.Options("invert.onnx") with { Model = path });
            Assert.Equal("Apps:Onnx:0:Model", e.Key);
            Assert.Contains("not a model", e.Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void A_one_channel_input_does_not_fit_the_image_convention_and_names_the_Layout_key()
    {
        var e = Refused(OnnxTestKit.Options("gray1.onnx"));
        Assert.Equal("Apps:Onnx:0:Layout", e.Key);
        Assert.Contains("must be 3", e.Message);
        // The NCHW model read as NHWC: its last axis (W, dynamic) is fine but the channel axis 3 is the width there;
        // an NHWC model read as NCHW puts H on the channel axis: dynamic, so only the run could tell. A fixed NCHW
        // model read as NHWC is refused at load.
        var fixedAsNhwc = Refused(OnnxTestKit.Options("invert_fixed.onnx") with { Layout = TensorLayout.Nhwc });
        Assert.Equal("Apps:Onnx:0:Layout", fixedAsNhwc.Key);
    }

    [Fact]
    public void An_output_that_does_not_fit_the_mode_names_the_Mode_key()
    {
        var maskOnImage = Refused(OnnxTestKit.Options("mask_left.onnx", OnnxMode.Image));
        Assert.Equal("Apps:Onnx:0:Mode", maskOnImage.Key);
        Assert.Contains("set Mode=mask", maskOnImage.Message);
        var imageAsMask = Refused(OnnxTestKit.Options("invert.onnx", OnnxMode.Mask));
        Assert.Equal("Apps:Onnx:0:Mode", imageAsMask.Key);
        var rawOutputAsImage = Refused(OnnxTestKit.Options("mean_raw.onnx", OnnxMode.Image));
        Assert.Equal("Apps:Onnx:0:Mode", rawOutputAsImage.Key);
        using var raw = OnnxTestKit.Load(OnnxTestKit.Options("mean_raw.onnx", OnnxMode.Raw)); // raw mode takes any output
    }

    [Fact]
    public void Fixed_input_size_is_read_from_the_model_and_dynamic_sizes_come_from_the_frame()
    {
        using var fixedSize = OnnxTestKit.Load(OnnxTestKit.Options("invert_fixed.onnx"));
        Assert.Equal((64, 48), (fixedSize.Signature.FixedWidth, fixedSize.Signature.FixedHeight));
        using var dynamic = OnnxTestKit.Load(OnnxTestKit.Options("invert.onnx"));
        Assert.Equal((0, 0), (dynamic.Signature.FixedWidth, dynamic.Signature.FixedHeight));
    }

    [Fact]
    public void Device_cuda_without_a_cuda_runtime_falls_back_to_the_cpu_with_a_warning()
    {
        var logger = new ListLogger();
        using var model = OnnxTestKit.Load(OnnxTestKit.Options("invert.onnx") with { Device = OnnxDevice.Cuda }, logger);
        Assert.Equal("CPUExecutionProvider", model.ExecutionProvider);
        Assert.Contains(logger.Lines, l => l.Level == LogLevel.Warning && l.Text.Contains("Apps:Onnx:0:Device=cuda") && l.Text.Contains("running on the CPU"));
    }

    private sealed class ListLogger : ILogger
    {
        public List<(LogLevel Level, string Text)> Lines { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => Lines.Add((logLevel, formatter(state, exception)));
    }
}
