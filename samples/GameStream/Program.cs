using WebRtcBridge.Samples.GameStream;

// Usage: dotnet run --project samples/GameStream -- [ws://localhost:5000] [filter] [seconds] [key id:secret]
var server = new Uri(args.Length > 0 ? args[0] : "ws://localhost:5000");
var filter = args.Length > 1 ? args[1] : "invert";
TimeSpan? duration = args.Length > 2 ? TimeSpan.FromSeconds(double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture)) : null;
var key = args.Length > 3 ? args[3] : null;
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
try
{
    await GameStreamSample.RunAsync(new GameStreamOptions(server, filter, Duration: duration, Key: key), Console.Out, cts.Token);
    return 0;
}
catch (OperationCanceledException)
{
    return 0;
}
catch (Exception e)
{
    Console.Error.WriteLine("error: " + e.Message);
    return 1;
}
