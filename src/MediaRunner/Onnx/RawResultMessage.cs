using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using WebRtcBridge.Protocol.MsgPack;

namespace WebRtcBridge.MediaRunner.Onnx;

/// <summary>
/// Raw mode's message: <c>{"type":"result","frame":N,"outputs":{name:{"shape":[...],"data":[...]}}}</c>, numeric
/// tensors flattened in row-major order. At most <c>maxValues</c> values in all: an output cut short says
/// <c>"truncated":true</c>; non-numeric outputs carry their shape and <c>"type"</c> only.
/// </summary>
public static class RawResultMessage
{
    public static MsgValue Build(long frame, IReadOnlyList<string> names, IReadOnlyList<OrtValue> values, int maxValues)
    {
        var outputs = new List<KeyValuePair<string, MsgValue>>(names.Count);
        var budget = maxValues;
        for (var i = 0; i < names.Count; i++)
        {
            var value = values[i];
            if (value.OnnxType != OnnxValueType.ONNX_TYPE_TENSOR)
            {
                outputs.Add(new(names[i], MsgValue.Map(("type", value.OnnxType.ToString()))));
                continue;
            }
            var info = value.GetTensorTypeAndShape();
            var shape = new MsgValue[info.Shape.Length];
            for (var d = 0; d < shape.Length; d++) shape[d] = info.Shape[d];
            var count = (int)Math.Min(info.ElementCount, budget);
            var data = Numbers(value, info.ElementDataType, count);
            var entry = new List<KeyValuePair<string, MsgValue>> { new("shape", MsgValue.FromArray(shape)) };
            if (data is null) entry.Add(new("type", info.ElementDataType.ToString()));
            else
            {
                budget -= count;
                entry.Add(new("data", MsgValue.FromArray(data)));
                if (count < info.ElementCount) entry.Add(new("truncated", true));
            }
            outputs.Add(new(names[i], MsgValue.FromMap(entry)));
        }
        return MsgValue.FromMap([new("type", "result"), new("frame", frame), new("outputs", MsgValue.FromMap(outputs))]);
    }

    private static MsgValue[]? Numbers(OrtValue value, TensorElementType type, int count) => type switch
    {
        TensorElementType.Float => Convert(value.GetTensorDataAsSpan<float>(), count, static v => MsgValue.FromSingle(v)),
        TensorElementType.Double => Convert(value.GetTensorDataAsSpan<double>(), count, static v => MsgValue.FromDouble(v)),
        TensorElementType.Int64 => Convert(value.GetTensorDataAsSpan<long>(), count, static v => MsgValue.FromInt64(v)),
        TensorElementType.Int32 => Convert(value.GetTensorDataAsSpan<int>(), count, static v => MsgValue.FromInt64(v)),
        TensorElementType.UInt8 => Convert(value.GetTensorDataAsSpan<byte>(), count, static v => MsgValue.FromInt64(v)),
        TensorElementType.Bool => Convert(value.GetTensorDataAsSpan<bool>(), count, static v => MsgValue.FromBool(v)),
        _ => null,
    };

    private static MsgValue[] Convert<T>(ReadOnlySpan<T> source, int count, Func<T, MsgValue> map)
    {
        var result = new MsgValue[count];
        for (var i = 0; i < count; i++) result[i] = map(source[i]);
        return result;
    }
}
