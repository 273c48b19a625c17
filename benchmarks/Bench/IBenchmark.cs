namespace WebRtcBridge.Bench;

/// <summary>A benchmark the runner finds by reflection: `dotnet run -c Release --project benchmarks/Bench -- NAME [args]`.</summary>
public interface IBenchmark
{
    string Name { get; }
    string Description { get; }
    Task RunAsync(string[] args, TextWriter output);
}
