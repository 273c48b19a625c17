using System.Buffers.Binary;

namespace WebRtcBridge.WebRtc.Rtp.Rtcp;

/// <summary>Generic NACK view (RFC 4585 §6.2.1): media SSRC then PID/BLP entries.</summary>
public readonly ref struct RtcpGenericNack
{
    private readonly ReadOnlySpan<byte> _data;
    internal RtcpGenericNack(ReadOnlySpan<byte> data) => _data = data;

    internal static bool Validate(ReadOnlySpan<byte> data) => data.Length >= 16;

    /// <summary>SSRC of the packet sender.</summary>
    public uint SenderSsrc => BinaryPrimitives.ReadUInt32BigEndian(_data.Slice(4));
    /// <summary>SSRC of the media source the NACK is about.</summary>
    public uint MediaSsrc => BinaryPrimitives.ReadUInt32BigEndian(_data.Slice(8));
    /// <summary>Number of FCI entries.</summary>
    public int EntryCount => (_data.Length - 12) / 4;

    /// <summary>FCI entry <paramref name="index"/>.</summary>
    public NackEntry GetEntry(int index)
    {
        if ((uint)index >= (uint)EntryCount) throw new ArgumentOutOfRangeException(nameof(index));
        var s = _data.Slice(12 + 4 * index);
        return new NackEntry(BinaryPrimitives.ReadUInt16BigEndian(s), BinaryPrimitives.ReadUInt16BigEndian(s.Slice(2)));
    }

    /// <summary>Expands every PID and BLP bit into <paramref name="destination"/>; returns how many were written (stops when full).</summary>
    public int CopyLostSequenceNumbers(Span<ushort> destination)
    {
        int n = 0;
        for (int i = 0; i < EntryCount; i++)
        {
            var e = GetEntry(i);
            if (n == destination.Length) return n;
            destination[n++] = e.PacketId;
            for (int bit = 0; bit < 16; bit++)
            {
                if ((e.LostBitmask & (1 << bit)) == 0) continue;
                if (n == destination.Length) return n;
                destination[n++] = (ushort)(e.PacketId + bit + 1);
            }
        }
        return n;
    }
}

/// <summary>PLI view (RFC 4585 §6.3.1): no FCI.</summary>
public readonly ref struct RtcpPictureLossIndication
{
    private readonly ReadOnlySpan<byte> _data;
    internal RtcpPictureLossIndication(ReadOnlySpan<byte> data) => _data = data;

    internal static bool Validate(ReadOnlySpan<byte> data) => data.Length >= 12;

    /// <summary>SSRC of the packet sender.</summary>
    public uint SenderSsrc => BinaryPrimitives.ReadUInt32BigEndian(_data.Slice(4));
    /// <summary>SSRC of the media source that should send a keyframe.</summary>
    public uint MediaSsrc => BinaryPrimitives.ReadUInt32BigEndian(_data.Slice(8));
}

/// <summary>FIR view (RFC 5104 §4.3.1): media SSRC 0, then 8-byte entries {SSRC, seq nr, reserved}.</summary>
public readonly ref struct RtcpFullIntraRequest
{
    private readonly ReadOnlySpan<byte> _data;
    internal RtcpFullIntraRequest(ReadOnlySpan<byte> data) => _data = data;

    internal static bool Validate(ReadOnlySpan<byte> data) => data.Length >= 20;

    /// <summary>SSRC of the packet sender.</summary>
    public uint SenderSsrc => BinaryPrimitives.ReadUInt32BigEndian(_data.Slice(4));
    /// <summary>Number of FCI entries.</summary>
    public int EntryCount => (_data.Length - 12) / 8;

    /// <summary>FCI entry <paramref name="index"/>.</summary>
    public FirEntry GetEntry(int index)
    {
        if ((uint)index >= (uint)EntryCount) throw new ArgumentOutOfRangeException(nameof(index));
        var s = _data.Slice(12 + 8 * index);
        return new FirEntry(BinaryPrimitives.ReadUInt32BigEndian(s), s[4]);
    }
}

/// <summary>REMB view (draft-alvestrand-rmcat-remb §2.2): "REMB", num SSRC, BR exp (6) + mantissa (18), SSRC list.</summary>
public readonly ref struct RtcpRemb
{
    private readonly ReadOnlySpan<byte> _data;
    internal RtcpRemb(ReadOnlySpan<byte> data) => _data = data;

    internal static bool IsRemb(ReadOnlySpan<byte> data)
        => data.Length >= 16 && data[12] == (byte)'R' && data[13] == (byte)'E' && data[14] == (byte)'M' && data[15] == (byte)'B';

    internal static bool Validate(ReadOnlySpan<byte> data) => data.Length >= 20 && data.Length >= 20 + 4 * data[16];

    /// <summary>SSRC of the packet sender.</summary>
    public uint SenderSsrc => BinaryPrimitives.ReadUInt32BigEndian(_data.Slice(4));

    /// <summary>Maximum total bitrate in bits per second: mantissa · 2^exp.</summary>
    public ulong BitrateBps
    {
        get
        {
            int exp = _data[17] >> 2;
            ulong mantissa = ((ulong)(_data[17] & 0x03) << 16) | ((ulong)_data[18] << 8) | _data[19];
            return exp > 46 ? ulong.MaxValue : mantissa << exp; // 18 + 46 = 64 bits
        }
    }

    /// <summary>Number of SSRCs the estimate applies to.</summary>
    public int SsrcCount => _data[16];

    /// <summary>SSRC <paramref name="index"/>.</summary>
    public uint GetSsrc(int index)
    {
        if ((uint)index >= (uint)SsrcCount) throw new ArgumentOutOfRangeException(nameof(index));
        return BinaryPrimitives.ReadUInt32BigEndian(_data.Slice(20 + 4 * index));
    }
}
