using WebRtcBridge.Interop.Tests.Infrastructure;

namespace WebRtcBridge.Interop.Tests;

/// <summary>The child-process helper the real-peer tests rely on: line/JSON reading, timeouts, killing trees.</summary>
public sealed class ChildProcessTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    private static ChildProcess Sh(string script, TimeSpan? hardTimeout = null) =>
        ChildProcess.Start("/bin/sh", ["-c", script], hardTimeout ?? TimeSpan.FromSeconds(60));

    [Fact]
    public async Task ReadJson_skips_noise_and_other_types()
    {
        await using var p = Sh("""echo hello; echo '{"type":"state"}'; echo '[1]'; echo '{"type":"offer","sdp":"v=0"}'""");
        var skipped = new List<string>();
        var msg = await p.ReadJsonAsync(Long, ["offer"], skipped.Add);
        Assert.Equal("v=0", msg.GetProperty("sdp").GetString());
        Assert.Equal(["hello", """{"type":"state"}""", "[1]"], skipped);
    }

    [Fact]
    public async Task ReadJson_turns_an_error_message_into_an_exception()
    {
        await using var p = Sh("""echo '{"type":"error","message":"boom"}'; echo oops >&2; sleep 1""");
        var e = await Assert.ThrowsAsync<ChildProcessException>(() => p.ReadJsonAsync(Long, ["result"]));
        Assert.Contains("boom", e.Message);
    }

    [Fact]
    public async Task ReadLine_times_out_with_the_stderr_tail()
    {
        await using var p = Sh("echo waiting-forever >&2; exec sleep 60");
        // stderr arrives asynchronously; wait until it has been seen so the message can include it
        for (var i = 0; i < 100 && !p.StderrTail.Contains("waiting-forever"); i++) await Task.Delay(50);
        var e = await Assert.ThrowsAsync<ChildProcessException>(() => p.ReadLineAsync(TimeSpan.FromMilliseconds(200)));
        Assert.Contains("no stdout line", e.Message);
        Assert.Contains("waiting-forever", e.Message);
    }

    [Fact]
    public async Task ReadLine_reports_closed_stdout()
    {
        await using var p = Sh("exit 3");
        var e = await Assert.ThrowsAsync<ChildProcessException>(() => p.ReadLineAsync(Long));
        Assert.Contains("stdout closed", e.Message);
        Assert.Equal(3, await p.WaitForExitAsync(Long));
    }

    [Fact]
    public async Task Stdin_lines_reach_the_child()
    {
        await using var p = ChildProcess.Start("/bin/cat", [], TimeSpan.FromSeconds(60));
        await p.WriteJsonAsync(new { type = "answer", sdp = "v=0\r\n" });
        var msg = await p.ReadJsonAsync(Long, ["answer"]);
        Assert.Equal("v=0\r\n", msg.GetProperty("sdp").GetString());
        p.CloseStdin();
        Assert.Equal(0, await p.WaitForExitAsync(Long));
    }

    [Fact]
    public async Task Dispose_kills_the_whole_tree()
    {
        var p = Sh("sleep 300 & echo $!; wait");
        var grandchild = int.Parse(await p.ReadLineAsync(Long));
        Assert.True(IsAlive(grandchild));
        await p.DisposeAsync();
        Assert.True(await GoneWithinAsync(grandchild, Long), $"grandchild {grandchild} survived Dispose");
    }

    [Fact]
    public async Task Hard_timeout_kills_a_hung_child()
    {
        await using var p = Sh("sleep 300 & echo $!; wait", hardTimeout: TimeSpan.FromSeconds(1));
        var grandchild = int.Parse(await p.ReadLineAsync(Long));
        var code = await p.WaitForExitAsync(Long);
        Assert.NotEqual(0, code);
        Assert.True(await GoneWithinAsync(grandchild, Long), $"grandchild {grandchild} survived the hard timeout");
    }

    private static bool IsAlive(int pid)
    {
        // a killed child of a killed shell is reparented and reaped; a zombie still has /proc/PID, so read its state
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat)) return false;
        try
        {
            var text = File.ReadAllText(stat);
            var state = text[(text.LastIndexOf(')') + 2)..][0];
            return state != 'Z' && state != 'X';
        }
        catch (IOException) { return false; }
    }

    private static async Task<bool> GoneWithinAsync(int pid, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (!IsAlive(pid)) return true;
            await Task.Delay(50);
        }
        return false;
    }
}
