using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace WebRtcBridge.Bench.Load;

/// <summary>
/// A server under test in its own process (ours or aiortc's), so its CPU time can be read on its own from
/// /proc/PID/stat (utime + stime, all threads). Started with a command line, ready when a line on its stdout gives
/// the port; stopped with SIGTERM (then SIGKILL after a grace period).
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _lastLines = new();
    private readonly TaskCompletionSource<int> _port = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private static readonly long ClockTicksPerSecond = 100; // sysconf(_SC_CLK_TCK) is 100 on Linux x86_64

    private readonly bool _attached;

    private ServerProcess(Process running)
    {
        _process = running;
        _attached = true;
    }

    /// <summary>A server started elsewhere: only its CPU is read; it is left running.</summary>
    public static ServerProcess Attach(int pid) => new(Process.GetProcessById(pid));

    private ServerProcess(ProcessStartInfo start, Regex portPattern)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        DataReceivedEventHandler onLine = (_, e) =>
        {
            if (e.Data is null) return;
            lock (_lastLines)
            {
                _lastLines.Enqueue(e.Data);
                while (_lastLines.Count > 40) _lastLines.Dequeue();
            }
            var m = portPattern.Match(e.Data);
            if (m.Success) _port.TrySetResult(int.Parse(m.Groups["port"].Value));
        };
        _process.OutputDataReceived += onLine;
        _process.ErrorDataReceived += onLine;
        _process.Exited += (_, _) => _port.TrySetException(new InvalidOperationException(
            $"{Path.GetFileName(start.FileName)} exited with {_process.ExitCode} before it listened:\n" + LastLines()));
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;
    public int Port { get; private set; }

    /// <summary>Our signaling server: <c>dotnet WebRtcBridge.Signaling.dll</c> with the given configuration.</summary>
    public static ServerProcess StartBridge(string dll, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                dll, "--urls", "http://127.0.0.1:0",
                "--Logging:LogLevel:Default", "Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime", "Information",
            },
        };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        start.Environment["DOTNET_gcServer"] = "0";
        return new ServerProcess(start, ListeningOn());
    }

    /// <summary>The aiortc benchmark server (Debian python3-aiortc), which prints <c>listening PORT</c>.</summary>
    public static ServerProcess StartAiortc(string script, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { ArgumentList = { script, "--host", "127.0.0.1", "--port", "0" } };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        return new ServerProcess(start, AiortcListening());
    }

    public async Task WaitListeningAsync(TimeSpan timeout) => Port = await _port.Task.WaitAsync(timeout);

    /// <summary>CPU time the process has used so far (user + system, every thread), in milliseconds.</summary>
    public double CpuMilliseconds()
    {
        var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        // Fields after the command name (which may hold spaces, so split after the last ')'): state is field 3,
        // utime field 14, stime field 15 (proc(5)).
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long ticks = long.Parse(fields[11]) + long.Parse(fields[12]);
        return ticks * 1000.0 / ClockTicksPerSecond;
    }

    public string LastLines()
    {
        lock (_lastLines) return string.Join('\n', _lastLines);
    }

    public async ValueTask DisposeAsync()
    {
        if (_attached)
        {
            _process.Dispose();
            return;
        }
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, 15); // SIGTERM: both servers shut down cleanly on it
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(8));
            try { await _process.WaitForExitAsync(grace.Token); }
            catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
        }
        _process.Dispose();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    [GeneratedRegex(@"Now listening on: http://127\.0\.0\.1:(?<port>\d+)")]
    private static partial Regex ListeningOn();

    [GeneratedRegex(@"^listening (?<port>\d+)$")]
    private static partial Regex AiortcListening();
}
