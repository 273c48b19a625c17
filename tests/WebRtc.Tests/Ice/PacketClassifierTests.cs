using WebRtcBridge.WebRtc.Transport;

namespace WebRtcBridge.WebRtc.Tests.Ice;

public class PacketClassifierTests
{
    private static byte[] Packet(byte first, byte second = 0, int length = 32)
    {
        var p = new byte[length];
        p[0] = first;
        if (length > 1) p[1] = second;
        return p;
    }

    [Theory]
    [InlineData(0, 1, PacketKind.Stun)]
    [InlineData(3, 0, PacketKind.Stun)]
    [InlineData(4, 0, PacketKind.Unknown)]
    [InlineData(19, 0, PacketKind.Unknown)]
    [InlineData(20, 0, PacketKind.Dtls)]
    [InlineData(22, 0xfe, PacketKind.Dtls)]
    [InlineData(63, 0, PacketKind.Dtls)]
    [InlineData(64, 0, PacketKind.Unknown)]   // TURN channel: not used
    [InlineData(127, 0, PacketKind.Unknown)]
    [InlineData(0x80, 96, PacketKind.Rtp)]
    [InlineData(0x90, 0xE0, PacketKind.Rtp)]  // marker + PT 96
    [InlineData(0x80, 200, PacketKind.Rtcp)]  // SR
    [InlineData(0x81, 201, PacketKind.Rtcp)]  // RR
    [InlineData(0x81, 205, PacketKind.Rtcp)]  // RTPFB
    [InlineData(0x81, 206, PacketKind.Rtcp)]  // PSFB
    [InlineData(0x80, 191, PacketKind.Rtp)]
    [InlineData(0x80, 224, PacketKind.Rtp)]
    [InlineData(191, 0, PacketKind.Rtp)]
    [InlineData(192, 200, PacketKind.Unknown)]
    [InlineData(255, 0, PacketKind.Unknown)]
    public void Classifies_ByFirstByte(int first, int second, PacketKind expected)
    {
        Assert.Equal(expected, PacketClassifier.Classify(Packet((byte)first, (byte)second)));
    }

    [Fact]
    public void TooShort_IsUnknown()
    {
        Assert.Equal(PacketKind.Unknown, PacketClassifier.Classify(ReadOnlySpan<byte>.Empty));
        Assert.Equal(PacketKind.Unknown, PacketClassifier.Classify(Packet(0, 1, 19)));
        Assert.Equal(PacketKind.Unknown, PacketClassifier.Classify(Packet(22, 0xfe, 12)));
        Assert.Equal(PacketKind.Unknown, PacketClassifier.Classify(Packet(0x80, 96, 11)));
        Assert.Equal(PacketKind.Rtcp, PacketClassifier.Classify(Packet(0x80, 201, 8)));
    }

    [Fact]
    public void Rfc5769Request_IsStun()
    {
        Assert.Equal(PacketKind.Stun, PacketClassifier.Classify(Rfc5769Vectors.Request));
    }
}
