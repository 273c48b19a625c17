using System.Buffers.Binary;

namespace WebRtcBridge.WebRtc.Dtls;

/// <summary>
/// DTLS 1.2 record framing (RFC 6347 §4.1): a 13-byte header — type(1) version(2) epoch(2) sequence(6) length(2) —
/// then <c>length</c> bytes. Used to check incoming datagrams and to pack outgoing records whole into datagrams.
/// </summary>
internal static class DtlsRecords
{
    internal const int HeaderLength = 13;

    /// <summary>RFC 6347 §4.1: at most 2^14 + 2048 bytes of ciphertext per record.</summary>
    internal const int MaxFragmentLength = 16384 + 2048;

    /// <summary>Length of the record at the start of <paramref name="data"/> (header included), or 0 when the header is
    /// not a plausible DTLS 1.x record or the record does not fit.</summary>
    internal static int RecordLength(ReadOnlySpan<byte> data)
    {
        if (data.Length < HeaderLength) return 0;
        byte type = data[0];
        if (type < 20 || type > 25) return 0;           // change_cipher_spec .. tls12_cid (RFC 9146)
        if (data[1] != 0xFE) return 0;                  // DTLS versions are 0xFExx (1's complement)
        int length = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(11, 2));
        if (length > MaxFragmentLength) return 0;
        int total = HeaderLength + length;
        return total <= data.Length ? total : 0;
    }

    /// <summary>True when the datagram is one or more whole records and nothing else.</summary>
    internal static bool IsWellFormedDatagram(ReadOnlySpan<byte> datagram)
    {
        if (datagram.IsEmpty) return false;
        while (!datagram.IsEmpty)
        {
            int n = RecordLength(datagram);
            if (n == 0) return false;
            datagram = datagram[n..];
        }
        return true;
    }

    /// <summary>
    /// Length of the next datagram to cut from <paramref name="pending"/>: as many whole records as fit in
    /// <paramref name="mtu"/>, at least one record (a record larger than the MTU goes alone, never split).
    /// Returns 0 when <paramref name="pending"/> does not start with a whole record.
    /// </summary>
    internal static int NextDatagramLength(ReadOnlySpan<byte> pending, int mtu)
    {
        int first = RecordLength(pending);
        if (first == 0) return 0;
        int total = first;
        while (total < pending.Length)
        {
            int next = RecordLength(pending[total..]);
            if (next == 0 || total + next > mtu) break;
            total += next;
        }
        return total;
    }
}
