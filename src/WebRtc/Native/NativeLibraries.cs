using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace WebRtcBridge.WebRtc.Native;

/// <summary>
/// The one place that knows native library file names. P/Invoke declarations use the logical names below
/// (<see cref="Ssl"/>, <see cref="Vpx"/>, ...); an assembly that declares them calls <see cref="Register"/> once
/// (this assembly does it in a module initializer). A missing library fails with the Debian package to install.
/// </summary>
public static class NativeLibraries
{
    public const string Ssl = "webrtcbridge-ssl";
    public const string Crypto = "webrtcbridge-crypto";
    public const string Vpx = "webrtcbridge-vpx";
    public const string Yuv = "webrtcbridge-yuv";
    public const string TurboJpeg = "webrtcbridge-turbojpeg";

    private sealed record Entry(string[] Files, string DebianPackage);

    private static readonly Dictionary<string, Entry> Known = new()
    {
        [Ssl] = new(["libssl.so.3"], "libssl3"),
        [Crypto] = new(["libcrypto.so.3"], "libssl3"),
        [Vpx] = new(["libvpx.so.7"], "libvpx7"),
        [Yuv] = new(["libyuv.so.0"], "libyuv0"),
        [TurboJpeg] = new(["libturbojpeg.so.0"], "libturbojpeg0"),
    };

    private static readonly Dictionary<string, IntPtr> Loaded = new();
    private static readonly HashSet<Assembly> Registered = new();
    private static readonly object Gate = new();

    /// <summary>Routes the logical names used in <paramref name="assembly"/>'s P/Invokes through this resolver.</summary>
    public static void Register(Assembly assembly)
    {
        lock (Gate)
        {
            if (!Registered.Add(assembly)) return;
        }
        NativeLibrary.SetDllImportResolver(assembly, Resolve);
    }

    /// <summary>Loads a library by logical name now, so a missing one fails early with a clear message.</summary>
    public static IntPtr Load(string logicalName)
    {
        lock (Gate)
        {
            if (Loaded.TryGetValue(logicalName, out var h)) return h;
            if (!Known.TryGetValue(logicalName, out var entry))
                throw new DllNotFoundException($"Unknown native library '{logicalName}'.");
            h = LoadEntry(entry);
            Loaded[logicalName] = h;
            return h;
        }
    }

    /// <summary>Loads the first file of an entry that exists, or fails naming the Debian package.</summary>
    internal static IntPtr LoadEntry(string[] files, string debianPackage) => LoadEntry(new Entry(files, debianPackage));

    private static IntPtr LoadEntry(Entry entry)
    {
        foreach (var file in entry.Files)
        {
            if (NativeLibrary.TryLoad(file, out var h)) return h;
        }
        throw new DllNotFoundException(
            $"Native library {string.Join(" or ", entry.Files)} was not found. " +
            $"Install the Debian package '{entry.DebianPackage}' (apt-get install {entry.DebianPackage}), " +
            "or run scripts/install-deps.sh.");
    }

    /// <summary>True when the library can be loaded; never throws.</summary>
    public static bool IsAvailable(string logicalName)
    {
        try { Load(logicalName); return true; }
        catch (DllNotFoundException) { return false; }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
        => Known.ContainsKey(name) ? Load(name) : IntPtr.Zero;

#pragma warning disable CA2255 // a library registering its P/Invoke resolver before any call is what module initializers are for
    [ModuleInitializer]
    internal static void RegisterThisAssembly() => Register(typeof(NativeLibraries).Assembly);
#pragma warning restore CA2255
}
