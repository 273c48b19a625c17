using WebRtcBridge.WebRtc.Dtls;

namespace WebRtcBridge.WebRtc.Tests.Dtls;

public class DtlsRecordsTests
{
    private static byte[] Record(int payload, byte type = 22)
    {
        var r = new byte[13 + payload];
        r[0] = type;
        r[1] = 0xFE;
        r[2] = 0xFD;
        r[11] = (byte)(payload >> 8);
        r[12] = (byte)payload;
        return r;
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    [Fact]
    public void NextDatagramLength_PacksWholeRecordsUpToMtu()
    {
        var pending = Concat(Record(500), Record(500), Record(500)); // 513 each
        Assert.Equal(1026, DtlsRecords.NextDatagramLength(pending, 1200));
        Assert.Equal(513, DtlsRecords.NextDatagramLength(pending.AsSpan(1026), 1200));
        Assert.Equal(1539, DtlsRecords.NextDatagramLength(pending, 1539));
    }

    [Fact]
    public void NextDatagramLength_SendsOversizedRecordAlone_NeverSplits()
    {
        var pending = Concat(Record(1300), Record(10));
        Assert.Equal(1313, DtlsRecords.NextDatagramLength(pending, 1200));
        Assert.Equal(23, DtlsRecords.NextDatagramLength(pending.AsSpan(1313), 1200));
    }

    [Fact]
    public void NextDatagramLength_StopsAtPartialOrGarbage()
    {
        var whole = Record(100);
        Assert.Equal(0, DtlsRecords.NextDatagramLength(whole.AsSpan(0, 50), 1200));
        Assert.Equal(113, DtlsRecords.NextDatagramLength(Concat(whole, new byte[] { 22, 0xFE }), 1200));
        Assert.Equal(0, DtlsRecords.NextDatagramLength(Record(10, type: 99), 1200));
    }

    [Fact]
    public void IsWellFormedDatagram_RequiresWholeRecordsOnly()
    {
        Assert.True(DtlsRecords.IsWellFormedDatagram(Concat(Record(0, 20), Record(40, 22), Record(30, 23))));
        Assert.False(DtlsRecords.IsWellFormedDatagram(Array.Empty<byte>()));
        Assert.False(DtlsRecords.IsWellFormedDatagram(Concat(Record(40), new byte[] { 23 })));
        var tls = Record(5);
        tls[1] = 0x03; // TLS, not DTLS
        Assert.False(DtlsRecords.IsWellFormedDatagram(tls));
        var tooLong = Record(20);
        tooLong[12] = 21;
        Assert.False(DtlsRecords.IsWellFormedDatagram(tooLong));
    }
}
