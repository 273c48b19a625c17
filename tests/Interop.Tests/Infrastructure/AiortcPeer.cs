using System.Globalization;
using System.Net;

namespace WebRtcBridge.Interop.Tests.Infrastructure;

/// <summary>Starts peers/aiortc_peer.py (see its docstring for the JSON-lines protocol) as a <see cref="ChildProcess"/>.</summary>
public static class AiortcPeer
{
    /// <summary>Hard bound on one aiortc run, whatever the test does.</summary>
    public static readonly TimeSpan HardTimeout = TimeSpan.FromSeconds(120);

    /// <summary>
    /// Starts aiortc in <paramref name="role"/> ("offer": it offers, we answer; "answer": it answers our offer),
    /// gathering on <paramref name="hostAddress"/> only, stopping after <paramref name="frames"/> received frames or
    /// <paramref name="timeout"/>. Fails the test with a how-to-run message when no python3 has aiortc.
    /// INTEROP_PEER_VERBOSE=1 turns on aiortc's debug log (stderr, shown in the test output).
    /// </summary>
    public static async Task<ChildProcess> StartAsync(string role, IPAddress hostAddress, int frames, TimeSpan timeout, Action<string> log)
    {
        var python = await InteropEnvironment.RequireAiortcPythonAsync();
        var script = Path.Combine(InteropEnvironment.PeersDirectory, "aiortc_peer.py");
        if (!File.Exists(script)) throw new InteropSetupException($"peer script missing: {script}");
        List<string> args = [script, "--role", role, "--host-address", hostAddress.ToString(), "--frames", frames.ToString(CultureInfo.InvariantCulture),
            "--timeout", timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)];
        if (Environment.GetEnvironmentVariable("INTEROP_PEER_VERBOSE") == "1") args.Add("--verbose"); // aiortc/aioice debug log on stderr
        return ChildProcess.Start(python, args, HardTimeout, log);
    }
}
