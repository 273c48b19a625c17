using System.Diagnostics;
using System.Runtime.InteropServices;

namespace WebRtcBridge.Bench.Report;

/// <summary>What the benchmark ran on, read off the machine: CPU, cores, OS, runtime, library versions, load.</summary>
public static class MachineInfo
{
    public static string Describe()
    {
        string cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?"
            : "?";
        string os = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?[12..].Trim('"') ?? "?"
            : RuntimeInformation.OSDescription;
        string kernel = File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : "?";
        return $"{Environment.ProcessorCount} cores ({cpu}), {os}, Linux {kernel}, {RuntimeInformation.FrameworkDescription}, " +
               $"libvpx {DebianVersion("libvpx7")}, aiortc {DebianVersion("python3-aiortc")}";
    }

    public static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    public static string DebianVersion(string package)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("dpkg-query", ["-W", "-f=${Version}", package]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            string v = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            return p.ExitCode == 0 && v.Length > 0 ? v : "not installed";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "?";
        }
    }
}
