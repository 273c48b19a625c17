using System.Globalization;
using WebRtcBridge.MediaRunner.Apps;

namespace WebRtcBridge.MediaRunner.Onnx;

/// <summary>What the handler does with the model's output.</summary>
public enum OnnxMode
{
    /// <summary>Image to image: one output of the input's layout, 3 channels; it becomes the output frame.</summary>
    Image,
    /// <summary>One output <c>[1,1,H,W]</c> (NHWC: <c>[1,H,W,1]</c>) in 0..1: the frame is kept where the mask is 1
    /// and replaced by the background (a colour or the blurred frame) where it is 0.</summary>
    Mask,
    /// <summary>Every output tensor goes to the client as a <c>result</c> message; the frame passes through.</summary>
    Raw,
}

/// <summary>Where the channel axis of the image tensor is.</summary>
public enum TensorLayout { Nchw, Nhwc }

/// <summary>Order of the three colour channels in the image tensor.</summary>
public enum ChannelOrder { Rgb, Bgr }

/// <summary>Execution provider asked for.</summary>
public enum OnnxDevice { Cpu, Cuda }

/// <summary>
/// One <c>Apps:Onnx:N</c> entry: an ONNX model served as an app. The tensor value of a channel is
/// <c>(byte * Scale - Mean[c]) / Std[c]</c>, channels in <see cref="ChannelOrder"/>; outputs map back the same way.
/// </summary>
public sealed record OnnxModelOptions
{
    /// <summary>The configuration prefix of this entry, e.g. <c>Apps:Onnx:0</c>: start-up errors name its keys.</summary>
    public string KeyPrefix { get; init; } = "Apps:Onnx:0";
    public required AppId Id { get; init; }
    public required string Model { get; init; }
    public OnnxMode Mode { get; init; } = OnnxMode.Image;
    public float Scale { get; init; } = 1f / 255f;
    public float[] Mean { get; init; } = [0f, 0f, 0f];
    public float[] Std { get; init; } = [1f, 1f, 1f];
    public ChannelOrder ChannelOrder { get; init; } = ChannelOrder.Rgb;
    public TensorLayout Layout { get; init; } = TensorLayout.Nchw;
    /// <summary>Mask mode: <c>blur</c>, or a colour <c>R,G,B</c> (0..255 each).</summary>
    public string Background { get; init; } = "blur";
    public int MaxConcurrentRuns { get; init; } = 1;
    public int IntraOpNumThreads { get; init; } = 1;
    public OnnxDevice Device { get; init; } = OnnxDevice.Cpu;
    /// <summary>Raw mode: the most tensor values one <c>result</c> message carries (the rest is cut, and says so).</summary>
    public int MaxResultValues { get; init; } = 4096;

    public const int MaxConcurrentRunsLimit = 64;

    /// <summary>The config key of a property of this entry, e.g. <c>Apps:Onnx:0:Mean</c>.</summary>
    public string Key(string name) => KeyPrefix + ":" + name;

    /// <summary>
    /// Reads one entry through <paramref name="get"/> (key name after the prefix → value or null). Throws
    /// <see cref="OnnxConfigurationException"/> naming the key on anything wrong.
    /// </summary>
    public static OnnxModelOptions Parse(string keyPrefix, Func<string, string?> get)
    {
        string Key(string name) => keyPrefix + ":" + name;
        string? Get(string name) => string.IsNullOrWhiteSpace(get(name)) ? null : get(name)!.Trim();
        OnnxConfigurationException Bad(string name, string problem) => new(Key(name), problem);

        var idText = Get("Id") ?? throw Bad("Id", "is required (owner/alias, the path the model is served at)");
        AppId id;
        try { id = AppId.Parse(idText); }
        catch (FormatException) { throw Bad("Id", $"'{idText}' is not owner/alias"); }
        var model = Get("Model") ?? throw Bad("Model", "is required (the path of a .onnx file)");
        var defaults = new OnnxModelOptions { Id = id, Model = model };
        return defaults with
        {
            KeyPrefix = keyPrefix,
            Mode = Enum(Get("Mode"), defaults.Mode, "Mode", "image, mask or raw"),
            Scale = Get("Scale") is { } s ? Number(s, "Scale", positive: true) : defaults.Scale,
            Mean = Get("Mean") is { } m ? Channels(m, "Mean", positive: false) : defaults.Mean,
            Std = Get("Std") is { } d ? Channels(d, "Std", positive: true) : defaults.Std,
            ChannelOrder = Enum(Get("ChannelOrder"), defaults.ChannelOrder, "ChannelOrder", "RGB or BGR"),
            Layout = Enum(Get("Layout"), defaults.Layout, "Layout", "NCHW or NHWC"),
            Background = Get("Background") is { } b ? CheckBackground(b, Key("Background")) : defaults.Background,
            MaxConcurrentRuns = Integer(Get("MaxConcurrentRuns"), defaults.MaxConcurrentRuns, "MaxConcurrentRuns", 1, MaxConcurrentRunsLimit),
            IntraOpNumThreads = Integer(Get("IntraOpNumThreads"), defaults.IntraOpNumThreads, "IntraOpNumThreads", 0, 256),
            Device = Enum(Get("Device"), defaults.Device, "Device", "cpu or cuda"),
            MaxResultValues = Integer(Get("MaxResultValues"), defaults.MaxResultValues, "MaxResultValues", 1, 1 << 20),
        };

        T Enum<T>(string? text, T fallback, string name, string allowed) where T : struct, System.Enum
            => text is null ? fallback
                : System.Enum.TryParse<T>(text, ignoreCase: true, out var v) && System.Enum.IsDefined(v) && !char.IsDigit(text[0]) ? v
                : throw Bad(name, $"'{text}' is not one of {allowed}");

        float Number(string text, string name, bool positive)
        {
            if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !float.IsFinite(v))
                throw Bad(name, $"'{text}' is not a number");
            if (positive && v <= 0) throw Bad(name, $"must be greater than 0 (got {text})");
            return v;
        }

        float[] Channels(string text, string name, bool positive)
        {
            var parts = text.Split(',', StringSplitOptions.TrimEntries);
            if (parts.Length is not (1 or 3)) throw Bad(name, $"'{text}' must be one number or three, comma-separated (one per channel)");
            var values = new float[3];
            for (var c = 0; c < 3; c++) values[c] = Number(parts[parts.Length == 1 ? 0 : c], name, positive);
            return values;
        }

        int Integer(string? text, int fallback, string name, int min, int max)
        {
            if (text is null) return fallback;
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)) throw Bad(name, $"'{text}' is not an integer");
            if (v < min || v > max) throw Bad(name, $"must be between {min} and {max} (got {v})");
            return v;
        }
    }

    /// <summary><c>blur</c>, or <c>R,G,B</c> with each 0..255; returns the text normalised.</summary>
    internal static string CheckBackground(string text, string key)
    {
        if (MaskBackground.TryParse(text, out _)) return text.Trim();
        throw new OnnxConfigurationException(key, $"'{text}' is neither 'blur' nor a colour R,G,B (0..255 each)");
    }
}

/// <summary>A configuration value of an ONNX app that cannot work; <see cref="Key"/> names it.</summary>
public sealed class OnnxConfigurationException(string key, string problem, Exception? inner = null)
    : Exception($"{key}: {problem}", inner)
{
    public string Key { get; } = key;
}
