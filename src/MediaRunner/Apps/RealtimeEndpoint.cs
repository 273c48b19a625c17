using System.Runtime.CompilerServices;
using WebRtcBridge.Protocol.Binding;
using WebRtcBridge.Protocol.MsgPack;

namespace WebRtcBridge.MediaRunner.Apps;

/// <summary>How many outputs a realtime handler produces per processed input.</summary>
public enum RealtimeMode
{
    /// <summary>Exactly one output per processed input (or per batch of inputs).</summary>
    Unary,
    /// <summary>Any number of outputs per input, as the handler yields them.</summary>
    Streaming,
}

/// <summary>The untyped core every realtime endpoint reduces to: a batch of input maps in, output maps out.</summary>
public delegate IAsyncEnumerable<MsgValue> RealtimeInvoker(
    IReadOnlyList<MsgValue> inputs, RealtimeCallContext context, CancellationToken cancellationToken);

/// <summary>A realtime WebSocket endpoint of an app (fal's <c>@fal.realtime(path)</c>).</summary>
public sealed class RealtimeEndpoint
{
    private RealtimeEndpoint(string path, RealtimeMode mode, RealtimeEndpointOptions options, RealtimeInvoker invoke)
    {
        options.Validate();
        if (mode == RealtimeMode.Streaming && options.MaxBatchSize != 1)
            throw new ArgumentException("batching is for unary endpoints only", nameof(options));
        Path = EndpointPath.Normalize(path);
        Mode = mode;
        Options = options;
        Invoke = invoke;
    }

    public string Path { get; }
    public RealtimeMode Mode { get; }
    public RealtimeEndpointOptions Options { get; }
    public RealtimeInvoker Invoke { get; }

    /// <summary>One untyped input map in, one output map out.</summary>
    public static RealtimeEndpoint Unary(string path,
        Func<MsgValue, RealtimeCallContext, CancellationToken, ValueTask<MsgValue>> handler,
        RealtimeEndpointOptions? options = null)
        => new(path, RealtimeMode.Unary, options ?? new(), (inputs, ctx, ct) => One(handler(inputs[0], ctx, ct)));

    /// <summary>Up to <see cref="RealtimeEndpointOptions.MaxBatchSize"/> inputs in, one output out.</summary>
    public static RealtimeEndpoint UnaryBatch(string path,
        Func<IReadOnlyList<MsgValue>, RealtimeCallContext, CancellationToken, ValueTask<MsgValue>> handler,
        RealtimeEndpointOptions? options = null)
        => new(path, RealtimeMode.Unary, options ?? new(), (inputs, ctx, ct) => One(handler(inputs, ctx, ct)));

    /// <summary>One untyped input in, any number of outputs.</summary>
    public static RealtimeEndpoint Streaming(string path,
        Func<MsgValue, RealtimeCallContext, CancellationToken, IAsyncEnumerable<MsgValue>> handler,
        RealtimeEndpointOptions? options = null)
        => new(path, RealtimeMode.Streaming, options ?? new(), (inputs, ctx, ct) => handler(inputs[0], ctx, ct));

    /// <summary>A typed unary handler: the input map is bound to <typeparamref name="TIn"/> (errors name the field),
    /// the output record becomes a map.</summary>
    public static RealtimeEndpoint Unary<TIn, TOut>(string path,
        Func<TIn, RealtimeCallContext, CancellationToken, ValueTask<TOut>> handler,
        RealtimeEndpointOptions? options = null)
    {
        var input = RecordBinder.For<TIn>();
        var output = RecordBinder.For<TOut>();
        return Unary(path, async (value, ctx, ct) => output.ToValue(await handler(input.FromValue(value), ctx, ct)), options);
    }

    /// <summary>A typed streaming handler.</summary>
    public static RealtimeEndpoint Streaming<TIn, TOut>(string path,
        Func<TIn, RealtimeCallContext, CancellationToken, IAsyncEnumerable<TOut>> handler,
        RealtimeEndpointOptions? options = null)
    {
        var input = RecordBinder.For<TIn>();
        var output = RecordBinder.For<TOut>();
        return Streaming(path, (value, ctx, ct) => Map(handler(input.FromValue(value), ctx, ct), output, ct), options);
    }

    private static async IAsyncEnumerable<MsgValue> One(ValueTask<MsgValue> result)
    {
        yield return await result;
    }

    private static async IAsyncEnumerable<MsgValue> Map<TOut>(IAsyncEnumerable<TOut> source, RecordBinder<TOut> output,
        [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var item in source.WithCancellation(ct)) yield return output.ToValue(item);
    }
}
