using System.Buffers.Binary;

namespace WebRtcBridge.WebRtc.Tests.Dtls;

/// <summary>Independent DTLS record-header walker for assertions (RFC 6347 §4.1).</summary>
internal static class DtlsRecordAssert
{
    /// <summary>Asserts the datagram is whole records only and at most <paramref name="mtu"/> bytes; returns the record count.</summary>
    public static int WholeRecords(byte[] datagram, int mtu)
    {
        Assert.InRange(datagram.Length, 13, mtu);
        int offset = 0, records = 0;
        while (offset < datagram.Length)
        {
            Assert.True(datagram.Length - offset >= 13, "partial record header at the end of a datagram");
            Assert.InRange(datagram[offset], (byte)20, (byte)23);
            Assert.Equal(0xFE, datagram[offset + 1]);
            int length = BinaryPrimitives.ReadUInt16BigEndian(datagram.AsSpan(offset + 11, 2));
            offset += 13 + length;
            Assert.True(offset <= datagram.Length, "record split across datagrams");
            records++;
        }
        return records;
    }

    /// <summary>Handshake records (type 22) with message type 1 (ClientHello) in the datagram.</summary>
    public static bool ContainsClientHello(byte[] datagram)
        => datagram.Length > 13 + 12 && datagram[0] == 22 && datagram[13] == 1;
}
