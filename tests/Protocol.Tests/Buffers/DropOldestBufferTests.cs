using WebRtcBridge.Protocol.Buffers;

namespace WebRtcBridge.Protocol.Tests.Buffers;

/// <summary>The drop-oldest queue, bounded by count and by bytes.</summary>
public sealed class DropOldestBufferTests
{
    [Fact]
    public void Count_bound_drops_the_oldest()
    {
        var dropped = new List<int>();
        var buffer = new DropOldestBuffer<int>(2, dropped.Add);
        for (var i = 0; i < 5; i++) buffer.Write(i);
        Assert.Equal([0, 1, 2], dropped);
        Assert.Equal(3, buffer.DroppedCount);
        Assert.True(buffer.TryRead(out var a));
        Assert.True(buffer.TryRead(out var b));
        Assert.Equal((3, 4), (a, b));
        Assert.False(buffer.TryRead(out _));
    }

    [Fact]
    public void Byte_bound_drops_the_oldest_until_the_rest_fits()
    {
        var dropped = new List<int>();
        var buffer = new DropOldestBuffer<int>(100, maxBytes: 1000, sizeOf: i => i, dropped.Add);
        buffer.Write(400);
        buffer.Write(500);
        Assert.Equal(900, buffer.Bytes);
        buffer.Write(300); // 1200 > 1000: the 400 goes
        Assert.Equal([400], dropped);
        Assert.Equal(800, buffer.Bytes);
        buffer.Write(2000); // larger than the bound alone: everything older goes, the newest stays
        Assert.Equal([400, 500, 300], dropped);
        Assert.Equal(1, buffer.Count);
        Assert.Equal(2000, buffer.Bytes);
        Assert.Equal(1200, buffer.DroppedBytes);
        Assert.True(buffer.TryRead(out var item));
        Assert.Equal(2000, item);
        Assert.Equal(0, buffer.Bytes);
    }

    [Fact]
    public async Task Reader_waits_and_completion_drains()
    {
        var drained = new List<int>();
        var buffer = new DropOldestBuffer<int>(4, drained.Add);
        var wait = buffer.WaitToReadAsync(CancellationToken.None).AsTask();
        Assert.False(wait.IsCompleted);
        buffer.Write(1);
        Assert.True(await wait.WaitAsync(TimeSpan.FromSeconds(10)));
        buffer.Write(2);
        buffer.CompleteAndDrain();
        Assert.Equal([1, 2], drained);
        Assert.Equal(0, buffer.DroppedCount);
        Assert.False(buffer.Write(3));
        Assert.False(await buffer.WaitToReadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Concurrent_writer_and_reader_keep_the_counts_exact()
    {
        var buffer = new DropOldestBuffer<long>(3, maxBytes: 50, sizeOf: i => 10 + i % 7);
        long read = 0, readBytes = 0;
        var reader = Task.Run(async () =>
        {
            while (await buffer.WaitToReadAsync(CancellationToken.None))
                while (buffer.TryRead(out var v)) { read++; readBytes += 10 + v % 7; }
        });
        long total = 0;
        for (long i = 0; i < 200_000; i++) { buffer.Write(i); total += 10 + i % 7; }
        buffer.Complete();
        await reader.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(200_000, read + buffer.DroppedCount);
        Assert.Equal(total, readBytes + buffer.DroppedBytes);
        Assert.Equal(0, buffer.Bytes);
    }
}
