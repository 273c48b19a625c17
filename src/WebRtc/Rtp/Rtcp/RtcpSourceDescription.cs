using System.Buffers.Binary;

namespace WebRtcBridge.WebRtc.Rtp.Rtcp;

/// <summary>SDES view (RFC 3550 §6.5): chunks of SSRC + items, each chunk ended by a null item and padded to 32 bits.</summary>
public readonly ref struct RtcpSourceDescription
{
    private readonly ReadOnlySpan<byte> _data;
    internal RtcpSourceDescription(ReadOnlySpan<byte> data) => _data = data;

    /// <summary>Number of chunks (SC).</summary>
    public int ChunkCount => _data[0] & 0x1F;

    /// <summary>Enumerates chunks with their CNAME (empty when a chunk has none).</summary>
    public SdesChunkEnumerator GetChunks() => new(_data.Slice(4), ChunkCount);

    /// <summary>The CNAME of the first chunk carrying one.</summary>
    public bool TryGetCname(out uint ssrc, out ReadOnlySpan<byte> cname)
    {
        var e = GetChunks();
        while (e.MoveNext())
        {
            if (!e.Cname.IsEmpty) { ssrc = e.Ssrc; cname = e.Cname; return true; }
        }
        ssrc = 0; cname = default;
        return false;
    }

    internal static bool Validate(ReadOnlySpan<byte> data)
    {
        var e = new SdesChunkEnumerator(data.Slice(4), data[0] & 0x1F);
        int n = 0;
        while (e.MoveNext()) n++;
        return n == (data[0] & 0x1F) && !e.Malformed;
    }
}

/// <summary>Walks SDES chunks; <see cref="Malformed"/> is set if a chunk runs past the packet.</summary>
public ref struct SdesChunkEnumerator
{
    private readonly ReadOnlySpan<byte> _data;
    private int _remaining;
    private int _offset;

    internal SdesChunkEnumerator(ReadOnlySpan<byte> chunks, int count)
    {
        _data = chunks; _remaining = count; _offset = 0; Ssrc = 0; Cname = default; Malformed = false;
    }

    /// <summary>SSRC/CSRC of the current chunk.</summary>
    public uint Ssrc { get; private set; }

    /// <summary>CNAME item of the current chunk (UTF-8), empty if absent.</summary>
    public ReadOnlySpan<byte> Cname { get; private set; }

    /// <summary>True when enumeration stopped on a malformed chunk.</summary>
    public bool Malformed { get; private set; }

    /// <summary>Moves to the next chunk.</summary>
    public bool MoveNext()
    {
        if (_remaining <= 0 || Malformed) return false;
        if (_offset + 4 > _data.Length) { Malformed = true; return false; }
        Ssrc = BinaryPrimitives.ReadUInt32BigEndian(_data.Slice(_offset));
        Cname = default;
        int p = _offset + 4;
        while (true)
        {
            if (p >= _data.Length) { Malformed = true; return false; }
            byte type = _data[p];
            if (type == 0) break; // end of item list
            if (p + 2 > _data.Length) { Malformed = true; return false; }
            int len = _data[p + 1];
            if (p + 2 + len > _data.Length) { Malformed = true; return false; }
            if (type == RtcpConstants.SdesCname) Cname = _data.Slice(p + 2, len);
            p += 2 + len;
        }
        p++; // the null octet
        p = (p + 3) & ~3; // pad to a 32-bit boundary
        if (p > _data.Length) { Malformed = true; return false; }
        _offset = p;
        _remaining--;
        return true;
    }
}
