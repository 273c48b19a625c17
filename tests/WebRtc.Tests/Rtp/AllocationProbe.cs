namespace WebRtcBridge.WebRtc.Tests.Rtp;

/// <summary>
/// Measures managed allocations of a hot-path loop on the current thread. The runtime itself may allocate once in a
/// while (tiering, call counting), so the loop runs several rounds and the smallest figure counts.
/// </summary>
internal static class AllocationProbe
{
    public static long MinAllocatedBytes(Action round, int rounds = 5)
    {
        round(); // warm-up
        long min = long.MaxValue;
        for (int r = 0; r < rounds; r++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            round();
            min = Math.Min(min, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return min;
    }
}
