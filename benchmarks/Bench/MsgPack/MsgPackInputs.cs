using System.Buffers.Binary;
using WebRtcBridge.Protocol.MsgPack;

namespace WebRtcBridge.Bench.MsgPack;

/// <summary>The messages of the msgpack benchmark: realtime-path shapes and issue 9's hostile input.</summary>
internal static class MsgPackInputs
{
    /// <summary>About 1 KiB: a realtime input of the kind fal's apps take (prompt, numbers, flags, a nested map).</summary>
    public static byte[] Map1KiB() => MsgPackSerializer.EncodeToArray(MsgValue.Map(
        ("prompt", string.Concat(Enumerable.Repeat("a watercolor fox in a snowy forest, soft light, ", 14))),
        ("negative_prompt", "blurry, low quality"),
        ("seed", 123456789),
        ("strength", 0.75),
        ("num_inference_steps", 4),
        ("guidance_scale", 1.5),
        ("enable_safety_checker", false),
        ("image_size", MsgValue.Map(("width", 512), ("height", 512))),
        ("loras", MsgValue.Array(MsgValue.Map(("path", "https://example.invalid/lora.safetensors"), ("scale", 0.8)))),
        ("request_id", "3f9c1f0e-5a1b-4c1e-9a55-5e6f7d8c9b0a")));

    /// <summary>A 100 KiB <c>bin</c> (a camera frame as JPEG) with its request id.</summary>
    public static byte[] Bin100KiB()
    {
        var image = new byte[100 * 1024];
        new Random(1).NextBytes(image);
        return MsgPackSerializer.EncodeToArray(MsgValue.Map(("image", image), ("request_id", "frame-000042")));
    }

    /// <summary>10,000 small elements: integers 0..999 (a quarter of them shared values), strings and floats mixed.</summary>
    public static byte[] SmallElements10k()
    {
        var items = new MsgValue[10_000];
        for (var i = 0; i < items.Length; i++)
            items[i] = (i % 4) switch
            {
                0 => MsgValue.FromInt64(i % 1000),
                1 => MsgValue.FromString("k" + (i % 100)),
                2 => MsgValue.FromDouble(i * 0.5),
                _ => MsgValue.FromInt64(i % 100),
            };
        return MsgPackSerializer.EncodeToArray(MsgValue.Map(("points", MsgValue.FromArray(items))));
    }

    /// <summary>Issue 9's input: <c>{"x": ["" × 16,000,000]}</c>, 16,000,008 bytes.</summary>
    public static byte[] SixteenMillionEmptyStrings()
    {
        const int count = 16_000_000;
        var bytes = new byte[8 + count];
        byte[] header = [0x81, 0xa1, (byte)'x', 0xdd];
        header.CopyTo(bytes, 0);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), count);
        bytes.AsSpan(8).Fill(0xa0);
        return bytes;
    }
}
