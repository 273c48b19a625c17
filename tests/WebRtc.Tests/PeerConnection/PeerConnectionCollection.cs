namespace WebRtcBridge.WebRtc.Tests.PeerConnection;

/// <summary>
/// All PeerConnection tests run alone, one after the other: they are CPU-heavy (real encoders, real sockets) and some
/// measure process-wide counters (native handle live counts, fds, threads, allocated bytes), which tests running in
/// parallel would disturb (and which other leak tests, e.g. the codec's, would see disturbed by ours).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PeerConnectionCollection
{
    public const string Name = "PeerConnection (serial)";
}
