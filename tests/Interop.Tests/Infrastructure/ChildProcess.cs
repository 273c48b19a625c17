using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace WebRtcBridge.Interop.Tests.Infrastructure;

/// <summary>
/// An external peer (aiortc script, browser, node) run as a child process for a test: stdout read as lines into a
/// bounded buffer, stdin written as lines, stderr kept as a bounded tail for diagnostics. Every wait has a timeout;
/// a hard deadline kills the whole process tree even if the test forgets to; Dispose kills the tree too.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    /// <summary>Capacity of the stdout line buffer; lines beyond it are dropped and counted.</summary>
    public const int StdoutCapacity = 4096;

    /// <summary>Number of stderr lines kept (the newest).</summary>
    public const int StderrTailLines = 200;

    private readonly Process _process;
    private readonly Channel<string> _stdout = Channel.CreateBounded<string>(
        new BoundedChannelOptions(StdoutCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly Queue<string> _stderrTail = new();
    private readonly CancellationTokenSource _deadline;
    private readonly Action<string>? _log;
    private long _stdoutDropped;
    private int _disposed;

    private ChildProcess(Process process, TimeSpan hardTimeout, Action<string>? log)
    {
        _process = process;
        _log = log;
        _deadline = new CancellationTokenSource(hardTimeout);
        _deadline.Token.Register(() =>
        {
            if (!HasExited)
            {
                Log($"[{Name}] hard timeout {hardTimeout.TotalSeconds:0} s reached: killing process tree");
                KillTree();
            }
        });
    }

    /// <summary>Short name for log lines (file name of the executable).</summary>
    public string Name => Path.GetFileName(_process.StartInfo.FileName);

    /// <summary>OS process id.</summary>
    public int Id => _process.Id;

    /// <summary>True once the process has exited.</summary>
    public bool HasExited
    {
        get
        {
            try { return _process.HasExited; }
            catch (InvalidOperationException) { return true; }
        }
    }

    /// <summary>Exit code, or null while running.</summary>
    public int? ExitCode => HasExited ? _process.ExitCode : null;

    /// <summary>stdout lines dropped because the buffer was full.</summary>
    public long StdoutDropped => Interlocked.Read(ref _stdoutDropped);

    /// <summary>The last <see cref="StderrTailLines"/> lines of stderr.</summary>
    public string StderrTail
    {
        get { lock (_stderrTail) return string.Join('\n', _stderrTail); }
    }

    /// <summary>
    /// Starts <paramref name="fileName"/> with <paramref name="arguments"/>. <paramref name="hardTimeout"/> bounds the
    /// whole life of the process: when it passes, the process tree is killed. <paramref name="log"/> (e.g. the test
    /// output) receives stderr lines as they arrive, prefixed with the process name.
    /// </summary>
    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, TimeSpan hardTimeout,
        Action<string>? log = null, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        if (environment is not null)
            foreach (var (k, v) in environment) psi.Environment[k] = v;

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var child = new ChildProcess(process, hardTimeout, log);
        process.OutputDataReceived += (_, e) => child.OnStdout(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnStderr(e.Data);
        if (!process.Start()) throw new InvalidOperationException($"could not start {fileName}");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        child.Log($"[{child.Name}] started pid {process.Id}: {fileName} {string.Join(' ', psi.ArgumentList)}");
        return child;
    }

    private void OnStdout(string? line)
    {
        if (line is null) { _stdout.Writer.TryComplete(); return; }
        if (!_stdout.Writer.TryWrite(line)) Interlocked.Increment(ref _stdoutDropped);
    }

    private void OnStderr(string? line)
    {
        if (line is null) return;
        lock (_stderrTail)
        {
            if (_stderrTail.Count == StderrTailLines) _stderrTail.Dequeue();
            _stderrTail.Enqueue(line);
        }
        Log($"[{Name} stderr] {line}");
    }

    private void Log(string line)
    {
        try { _log?.Invoke(line); }
        catch (InvalidOperationException) { /* test output closed after the test ended */ }
    }

    /// <summary>Next stdout line; throws <see cref="ChildProcessException"/> on timeout or when stdout closed.</summary>
    public async Task<string> ReadLineAsync(TimeSpan timeout)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(_deadline.Token);
        cts.CancelAfter(timeout);
        try
        {
            if (await _stdout.Reader.WaitToReadAsync(cts.Token) && _stdout.Reader.TryRead(out var line)) return line;
        }
        catch (OperationCanceledException)
        {
            throw Failure($"no stdout line within {timeout.TotalSeconds:0.#} s");
        }
        throw Failure("stdout closed (process exited?)");
    }

    /// <summary>
    /// Reads stdout lines until one is a JSON object whose "type" is one of <paramref name="types"/>; lines that are
    /// not JSON, and JSON messages of other types, go to <paramref name="skipped"/> (if given). A message of type
    /// "error" always ends the wait with a <see cref="ChildProcessException"/> carrying its text, unless "error" is
    /// among the wanted types.
    /// </summary>
    public async Task<JsonElement> ReadJsonAsync(TimeSpan timeout, string[] types, Action<string>? skipped = null)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = until - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw Failure($"no JSON message of type {string.Join('|', types)} within {timeout.TotalSeconds:0.#} s");
            var line = await ReadLineAsync(left);
            JsonElement msg;
            try
            {
                using var doc = JsonDocument.Parse(line);
                msg = doc.RootElement.Clone();
            }
            catch (JsonException)
            {
                skipped?.Invoke(line);
                continue;
            }
            var type = msg.ValueKind == JsonValueKind.Object && msg.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
                ? t.GetString() : null;
            if (type is not null && Array.IndexOf(types, type) >= 0) return msg;
            if (type == "error")
                throw Failure("peer reported error: " + (msg.TryGetProperty("message", out var m) ? m.ToString() : line));
            skipped?.Invoke(line);
        }
    }

    /// <summary>Writes one line to the process's stdin and flushes it.</summary>
    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Serializes <paramref name="message"/> as one JSON line to stdin.</summary>
    public Task WriteJsonAsync<T>(T message) => WriteLineAsync(JsonSerializer.Serialize(message));

    /// <summary>Closes stdin (EOF for the child).</summary>
    public void CloseStdin()
    {
        try { _process.StandardInput.Close(); }
        catch (IOException) { }
    }

    /// <summary>Waits for exit; returns the exit code, or throws <see cref="ChildProcessException"/> on timeout.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw Failure($"did not exit within {timeout.TotalSeconds:0.#} s");
        }
        return _process.ExitCode;
    }

    /// <summary>Kills the process and all its descendants (no-op once exited).</summary>
    public void KillTree()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { }
        catch (System.ComponentModel.Win32Exception) { }
    }

    private ChildProcessException Failure(string what)
    {
        var state = HasExited ? $"exited with {_process.ExitCode}" : "running";
        return new ChildProcessException($"{Name} (pid {_process.Id}, {state}): {what}. stderr tail:\n{StderrTail}");
    }

    /// <summary>Kills the tree if still running, waits briefly for it to go, and releases everything.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        KillTree();
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException) { }
        catch (InvalidOperationException) { }
        _deadline.Dispose();
        _process.Dispose();
    }
}

/// <summary>A child process did not do what the test waited for (timeout, early exit, reported error).</summary>
public sealed class ChildProcessException(string message) : Exception(message);
