using System.Diagnostics;
using System.Text.RegularExpressions;

namespace WebRtcBridge.Signaling.Tests.Infrastructure;

/// <summary>
/// Our real server as a child process (<c>dotnet WebRtcBridge.Signaling.dll --urls http://127.0.0.1:0</c>), so its
/// memory can be read on its own from /proc/PID/status. Ready when it logs "Now listening on"; killed on dispose.
/// </summary>
public sealed partial class ChildServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Queue<string> _lastLines = new();

    private ChildServer(ProcessStartInfo start)
    {
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        DataReceivedEventHandler onLine = (_, e) =>
        {
            if (e.Data is null) return;
            lock (_lastLines)
            {
                _lastLines.Enqueue(e.Data);
                while (_lastLines.Count > 40) _lastLines.Dequeue();
            }
            var m = ListeningOn().Match(e.Data);
            if (m.Success) _listening.TrySetResult(new Uri(m.Groups["url"].Value));
        };
        _process.OutputDataReceived += onLine;
        _process.ErrorDataReceived += onLine;
        _process.Exited += (_, _) => _listening.TrySetException(new InvalidOperationException("server exited:\n" + LastLines()));
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;
    public Uri Http { get; private set; } = null!;
    public Uri WsUrl(string path) => new(Http.ToString().Replace("http://", "ws://").TrimEnd('/') + "/" + path.TrimStart('/'));

    /// <summary>Starts the server built next to this test (same configuration, else the other one).</summary>
    public static async Task<ChildServer> StartAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { FindServerDll(), "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning",
                "--Logging:LogLevel:Microsoft.Hosting.Lifetime", "Information" },
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        var server = new ChildServer(start);
        server.Http = await server._listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return server;
    }

    /// <summary>A line of /proc/PID/status in bytes (VmRSS: resident now; VmHWM: the peak resident size).</summary>
    public long StatusBytes(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0]) * 1024; // kB
        throw new InvalidOperationException($"no {field} in /proc/{Pid}/status");
    }

    public string LastLines()
    {
        lock (_lastLines) return string.Join('\n', _lastLines);
    }

    /// <summary>WEBRTCBRIDGE_SERVER_DLL names another build (e.g. main's, to see a test fail there).</summary>
    private static string FindServerDll()
    {
        if (Environment.GetEnvironmentVariable("WEBRTCBRIDGE_SERVER_DLL") is { Length: > 0 } chosen) return chosen;
        var own = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var config in new[] { own, own == "Release" ? "Debug" : "Release" })
            {
                var dll = Path.Combine(dir.FullName, "src", "Signaling", "bin", config, "net10.0", "WebRtcBridge.Signaling.dll");
                if (File.Exists(dll)) return dll;
            }
        }
        throw new FileNotFoundException("WebRtcBridge.Signaling.dll not found under src/Signaling/bin (build src/Signaling first)");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await _process.WaitForExitAsync(wait.Token); }
            catch (OperationCanceledException) { }
        }
        _process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (?<url>http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningOn();
}
