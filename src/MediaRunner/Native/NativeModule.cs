using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using WebRtcBridge.WebRtc.Native;

namespace WebRtcBridge.MediaRunner.Native;

/// <summary>Routes this assembly's P/Invokes through the shared native library resolver.</summary>
internal static class NativeModule
{
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "registers the native resolver before any P/Invoke")]
    internal static void Register() => NativeLibraries.Register(typeof(NativeModule).Assembly);
}
