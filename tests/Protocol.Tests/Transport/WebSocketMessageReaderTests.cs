using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using WebRtcBridge.Protocol.Transport;

namespace WebRtcBridge.Protocol.Tests.Transport;

/// <summary>Whole messages of any size in pooled buffers, sized from the previous message, over a real loopback socket.</summary>
public sealed class WebSocketMessageReaderTests
{
    [Theory]
    [InlineData(150_000, new[] { 100_000, 10, 16 * 1024, 16 * 1024 + 1, 120_000, 200_000, 1, 150_000 })]
    [InlineData(1_000, new[] { 10, 1_000, 1_001, 5, 70_000, 999 })] // a cap below the first buffer's size
    public async Task Messages_of_mixed_sizes_arrive_whole_and_an_oversized_one_is_skipped(int cap, int[] sizes)
    {
        var (server, client, sockets) = await PairAsync();
        using var _ = sockets;
        var reader = new WebSocketMessageReader(server, maxMessageBytes: cap);
        var send = Task.Run(async () =>
        {
            foreach (int size in sizes)
                await client.SendAsync(Payload(size), WebSocketMessageType.Binary, true, default);
        });
        foreach (int size in sizes)
        {
            var (outcome, message) = await reader.ReadAsync(default).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            if (size > cap)
            {
                Assert.Equal(ReadOutcome.TooLarge, outcome);
                Assert.Equal(size, reader.LastOversizedLength);
                continue;
            }
            Assert.Equal(ReadOutcome.Message, outcome);
            using (message)
            {
                Assert.Equal(size, message!.Length);
                Assert.True(message.Memory.Span.SequenceEqual(Payload(size)), $"content of the {size}-byte message");
            }
        }
        await send;
    }

    private static byte[] Payload(int size)
    {
        var bytes = new byte[size];
        for (int i = 0; i < size; i++) bytes[i] = (byte)(i * 31 + size);
        return bytes;
    }

    private static async Task<(WebSocket Server, WebSocket Client, IDisposable Sockets)> PairAsync()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var connect = new TcpClient();
        var accepted = listener.AcceptTcpClientAsync();
        await connect.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        var serverTcp = await accepted;
        listener.Stop();
        var server = WebSocket.CreateFromStream(serverTcp.GetStream(), isServer: true, subProtocol: null, keepAliveInterval: Timeout.InfiniteTimeSpan);
        var client = WebSocket.CreateFromStream(connect.GetStream(), isServer: false, subProtocol: null, keepAliveInterval: Timeout.InfiniteTimeSpan);
        return (server, client, new Disposables(server, client, serverTcp, connect));
    }

    private sealed class Disposables(params IDisposable[] items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var item in items) item.Dispose();
        }
    }
}
