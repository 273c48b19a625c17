using WebRtcBridge.WebRtc.Dtls;
using WebRtcBridge.WebRtc.Native;

namespace WebRtcBridge.WebRtc.Tests.Dtls;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DtlsLeakCollection
{
    public const string Name = "DTLS native leak check (runs alone)";
}

[Collection(DtlsLeakCollection.Name)]
public class DtlsNativeLeakTests
{
    private static int OpenFileDescriptors() => Directory.GetFileSystemEntries("/proc/self/fd").Length;

    private static void CollectEverything()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    [Fact]
    public void FiveHundredTransports_ReleaseEveryHandleAndDescriptor()
    {
        // Warm up: the shared certificates and one full handshake, so lazily created state is not counted.
        using (var warm = new DtlsPair()) warm.Handshake();
        CollectEverything();
        long liveBefore = OpenSslHandle.LiveCount;
        long finalizedBefore = OpenSslHandle.FinalizedCount;
        int fdsBefore = OpenFileDescriptors();

        int transports = 0, handshakes = 0;
        for (int i = 0; i < 450; i++)
        {
            if (i % 9 == 0)
            {
                using var pair = new DtlsPair();
                pair.Handshake();
                Assert.True(pair.BothConnected);
                if (i % 2 == 0) pair.Client.Close();
                transports += 2;
                handshakes++;
                continue;
            }
            using var t = new DtlsTransport(new DtlsTransportOptions
            {
                Role = i % 2 == 0 ? DtlsRole.Client : DtlsRole.Server,
                RemoteFingerprint = DtlsPair.ClientCertificate.Fingerprint,
                AutoTimer = i % 3 == 0,
            }, _ => { });
            if (i % 4 != 0) t.Start();
            transports++;
        }
        Assert.True(transports >= 500);
        Assert.Equal(50, handshakes);

        CollectEverything();
        Assert.Equal(liveBefore, OpenSslHandle.LiveCount);          // every SafeHandle was disposed
        Assert.Equal(finalizedBefore, OpenSslHandle.FinalizedCount); // and none was left to the finalizer
        Assert.InRange(OpenFileDescriptors(), 0, fdsBefore + 8);
    }

    [Fact]
    public void DisposedTestCertificate_KeepsLiveTransportsWorking_AndFreesItsContext()
    {
        long liveBefore = OpenSslHandle.LiveCount;
        var cert = DtlsCertificate.Create("short-lived");
        var server = new DtlsTransport(new DtlsTransportOptions
        {
            Role = DtlsRole.Server,
            Certificate = cert,
            RemoteFingerprint = DtlsPair.ClientCertificate.Fingerprint,
            AutoTimer = false,
        }, d => { });
        cert.Dispose(); // the SSL holds its own reference to the SSL_CTX
        server.Start();
        server.Dispose();
        CollectEverything();
        Assert.Equal(liveBefore, OpenSslHandle.LiveCount);
    }
}
