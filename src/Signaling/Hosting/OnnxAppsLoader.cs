using WebRtcBridge.MediaRunner.Apps;
using WebRtcBridge.MediaRunner.Onnx;

namespace WebRtcBridge.Signaling.Hosting;

/// <summary>
/// Registers one app per <c>Apps:Onnx:N</c> configuration entry (README, "ONNX models"). Runs when the server is
/// built, so a missing model file, a bad value or a model whose tensors do not fit its mode stops the start with an
/// error naming the key.
/// </summary>
public static class OnnxAppsLoader
{
    public const string Section = "Apps:Onnx";

    public static void Register(AppRegistry registry, IConfiguration configuration, ILogger logger)
    {
        foreach (var entry in configuration.GetSection(Section).GetChildren().OrderBy(c => int.TryParse(c.Key, out var n) ? n : int.MaxValue))
        {
            var prefix = Section + ":" + entry.Key;
            var options = OnnxModelOptions.Parse(prefix, name => entry[name]);
            try
            {
                registry.Add(OnnxApp.Load(options, logger));
            }
            catch (ArgumentException e) // the id is taken by another app
            {
                throw new OnnxConfigurationException(options.Key("Id"), e.Message, e);
            }
        }
    }
}
