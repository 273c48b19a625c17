using WebRtcBridge.WebRtc.Native;

namespace WebRtcBridge.WebRtc.Tests.Native;

public sealed class NativeLibrariesTests
{
    [Theory]
    [InlineData(NativeLibraries.Ssl)]
    [InlineData(NativeLibraries.Crypto)]
    [InlineData(NativeLibraries.Vpx)]
    [InlineData(NativeLibraries.Yuv)]
    [InlineData(NativeLibraries.TurboJpeg)]
    public void Every_library_the_stack_needs_loads(string name)
    {
        Assert.NotEqual(IntPtr.Zero, NativeLibraries.Load(name));
        Assert.True(NativeLibraries.IsAvailable(name));
    }

    [Fact]
    public void A_missing_library_names_the_debian_package_to_install()
    {
        var e = Assert.Throws<DllNotFoundException>(() => NativeLibraries.LoadEntry(["libdoesnotexist.so.9"], "libdoesnotexist9"));
        Assert.Contains("libdoesnotexist.so.9", e.Message);
        Assert.Contains("apt-get install libdoesnotexist9", e.Message);
    }

    [Fact]
    public void Unknown_logical_names_are_refused()
    {
        Assert.Throws<DllNotFoundException>(() => NativeLibraries.Load("no-such-logical-name"));
        Assert.False(NativeLibraries.IsAvailable("no-such-logical-name"));
    }
}
