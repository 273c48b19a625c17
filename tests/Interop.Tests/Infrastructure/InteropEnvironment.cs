using System.Net;

namespace WebRtcBridge.Interop.Tests.Infrastructure;

/// <summary>
/// What a real-peer test needs from its surroundings: the two veth addresses of the private network namespace made
/// by scripts/netns-run.sh, and the external peers. Missing pieces FAIL the test with a message saying how to run
/// it; they never skip it (a skipped interop test would pass silently outside the namespace).
/// </summary>
public static class InteropEnvironment
{
    /// <summary>How to run these tests, quoted in every failure.</summary>
    public const string HowToRun =
        "Run the interop tests inside the test network namespace, as root (or with sudo): " +
        "dotnet build tests/Interop.Tests && scripts/netns-run.sh dotnet test tests/Interop.Tests --no-build --filter Category=Interop";

    /// <summary>Address of veth-a (our side), from NETNS_ADDR_A.</summary>
    public static IPAddress AddressA => RequireAddress("NETNS_ADDR_A");

    /// <summary>Address of veth-b (the external peer's side), from NETNS_ADDR_B.</summary>
    public static IPAddress AddressB => RequireAddress("NETNS_ADDR_B");

    private static IPAddress RequireAddress(string variable)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrEmpty(value) || Environment.GetEnvironmentVariable("NETNS_RUN") != "1")
            throw new InteropSetupException($"{variable} is not set: this test is not running inside scripts/netns-run.sh. {HowToRun}");
        if (!IPAddress.TryParse(value, out var address))
            throw new InteropSetupException($"{variable}='{value}' is not an IP address. {HowToRun}");
        return address;
    }

    /// <summary>Directory holding the peer scripts (tests/Interop.Tests/peers copied to the output).</summary>
    public static string PeersDirectory => Path.Combine(AppContext.BaseDirectory, "peers");

    /// <summary>
    /// A python3 that can import aiortc: $AIORTC_PYTHON if set, else Debian's /usr/bin/python3 (python3-aiortc is
    /// installed for it, not for a pyenv/venv python3 that may come first on PATH), else python3 from PATH.
    /// </summary>
    public static async Task<string> RequireAiortcPythonAsync()
    {
        var candidates = new List<string>();
        var configured = Environment.GetEnvironmentVariable("AIORTC_PYTHON");
        if (!string.IsNullOrEmpty(configured)) candidates.Add(configured);
        candidates.Add("/usr/bin/python3");
        candidates.Add("python3");
        var tried = new List<string>();
        foreach (var python in candidates)
        {
            if (python.Contains('/') && !File.Exists(python)) { tried.Add($"{python}: not found"); continue; }
            try
            {
                await using var probe = ChildProcess.Start(python, ["-c", "import aiortc; print(aiortc.__version__)"], TimeSpan.FromSeconds(30));
                var code = await probe.WaitForExitAsync(TimeSpan.FromSeconds(30));
                if (code == 0) return python;
                tried.Add($"{python}: import aiortc failed ({probe.StderrTail.Split('\n')[^1]})");
            }
            catch (Exception e) when (e is ChildProcessException or System.ComponentModel.Win32Exception)
            {
                tried.Add($"{python}: {e.Message}");
            }
        }
        throw new InteropSetupException(
            "no python3 with aiortc found (install Debian's python3-aiortc, or set AIORTC_PYTHON): " +
            string.Join("; ", tried) + ". " + HowToRun);
    }
}

/// <summary>The machine is not set up to run an interop test (no namespace, peer missing).</summary>
public sealed class InteropSetupException(string message) : Exception(message);
