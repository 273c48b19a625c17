namespace WebRtcBridge.Bench.Common;

/// <summary>Command-line options of the benchmarks: <c>--name value</c> pairs.</summary>
public static class BenchArgs
{
    /// <summary>The value after <paramref name="name"/>, or <paramref name="fallback"/> when it is absent.</summary>
    public static string Text(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    /// <summary>The integer after <paramref name="name"/>, or <paramref name="fallback"/> when it is absent or not a number.</summary>
    public static int Int(string[] args, string name, int fallback) =>
        int.TryParse(Text(args, name, ""), out int v) ? v : fallback;
}
