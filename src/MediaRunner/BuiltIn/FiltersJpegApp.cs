using WebRtcBridge.MediaRunner.Apps;
using WebRtcBridge.Protocol.Binding;

namespace WebRtcBridge.MediaRunner.BuiltIn;

/// <summary>
/// <c>bridge/filters-jpeg</c>: the filters of <c>bridge/filters</c> with no frame handler of their own, so live video
/// takes the generic path every realtime app gets (each frame a JPEG in, a JPEG out, decoded back onto the track).
/// It exists to prove and measure that path against the I420 one of <c>bridge/filters</c>.
/// </summary>
public static class FiltersJpegApp
{
    public static readonly AppId Id = new("bridge", "filters-jpeg");

    public static BridgeApp Create()
    {
        var binder = RecordBinder.For<FilterInput>();
        var output = RecordBinder.For<FilterOutput>();
        return new BridgeApp(Id, "the filters through the generic realtime-app video path (JPEG per frame)")
            .WithHttp((input, _, _) => ValueTask.FromResult(output.ToValue(FiltersApp.Run(binder.FromValue(input)))))
            .WithRealtime(RealtimeEndpoint.Unary<FilterInput, FilterOutput>("/realtime",
                (input, _, _) => ValueTask.FromResult(FiltersApp.Run(input))));
    }
}
