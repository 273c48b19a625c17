using System.Reflection;
using WebRtcBridge.Bench;

var benches = Assembly.GetExecutingAssembly().GetTypes()
    .Where(t => typeof(IBenchmark).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
    .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
    .OrderBy(b => b.Name, StringComparer.Ordinal)
    .ToList();
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("usage: Bench NAME [args]   (machine: " + Environment.ProcessorCount + " cores)");
    foreach (var b in benches) Console.WriteLine($"  {b.Name,-16} {b.Description}");
    return 0;
}
var bench = benches.FirstOrDefault(b => b.Name == args[0]);
if (bench is null) { Console.Error.WriteLine($"unknown benchmark '{args[0]}'"); return 2; }
await bench.RunAsync(args[1..], Console.Out);
return 0;
