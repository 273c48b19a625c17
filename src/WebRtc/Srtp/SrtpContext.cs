using System.Buffers.Binary;

namespace WebRtcBridge.WebRtc.Srtp;

/// <summary>
/// SRTP/SRTCP for ONE direction (RFC 3711, RFC 7714): use one instance to protect what we send and another to
/// unprotect what we receive. Works in place on the caller's buffer and does not allocate per packet (only when a
/// new SSRC appears). Unprotect never throws on bad input: it returns false and counts the drop.
/// Not thread-safe: one receive (or send) loop per context. Counters may be read from any thread.
/// </summary>
public sealed class SrtpContext : IDisposable
{
    private readonly SrtpTransform _transform;
    private readonly SrtpContextOptions _options;
    private readonly Dictionary<uint, SrtpStreamState> _streams;
    private long _useClock;
    private uint _nextSrtcpIndex;
    private long _authFailures, _replayDrops, _malformedDrops, _streamEvictions;
    private bool _disposed;

    /// <summary>Creates a context from a master key and master salt (RFC 3711 §4.3.1 key derivation, KDR = 0).</summary>
    public SrtpContext(SrtpProtectionProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, SrtpContextOptions? options = null)
        : this(profile, SrtpKeyDerivation.DeriveSessionKeys(profile, masterKey, masterSalt), options)
    {
    }

    /// <summary>Creates a context from already-derived session keys (used by test vectors that give session keys).</summary>
    public SrtpContext(SrtpProtectionProfile profile, SrtpSessionKeys sessionKeys, SrtpContextOptions? options = null)
    {
        Profile = profile;
        _options = options ?? SrtpContextOptions.Default;
        if (_options.MaxStreams < 1) throw new ArgumentOutOfRangeException(nameof(options), "MaxStreams must be at least 1");
        _transform = SrtpTransform.Create(profile, sessionKeys);
        _streams = new Dictionary<uint, SrtpStreamState>(_options.MaxStreams);
    }

    /// <summary>The protection profile.</summary>
    public SrtpProtectionProfile Profile { get; }

    /// <summary>Bytes <see cref="TryProtectRtp"/> appends (10 or 16): the buffer must have this much room after the packet.</summary>
    public int RtpOverhead => _transform.RtpTagLength;

    /// <summary>Bytes <see cref="TryProtectRtcp"/> appends (14 or 20).</summary>
    public int RtcpOverhead => _transform.RtcpTrailerLength;

    /// <summary>Packets whose authentication tag did not verify.</summary>
    public long AuthFailures => Interlocked.Read(ref _authFailures);

    /// <summary>Packets dropped as duplicates or older than the replay window.</summary>
    public long ReplayDrops => Interlocked.Read(ref _replayDrops);

    /// <summary>Packets too short or not RTP/RTCP version 2 (also failed protect calls).</summary>
    public long MalformedDrops => Interlocked.Read(ref _malformedDrops);

    /// <summary>SSRC states evicted because <see cref="SrtpContextOptions.MaxStreams"/> was reached.</summary>
    public long StreamEvictions => Interlocked.Read(ref _streamEvictions);

    /// <summary>SRTCP index the next protected RTCP packet gets (31 bits; starts at 0, RFC 3711 §3.4).</summary>
    public uint NextSrtcpIndex
    {
        get => _nextSrtcpIndex;
        set => _nextSrtcpIndex = value & 0x7FFF_FFFF;
    }

    /// <summary>Current rollover counter of <paramref name="ssrc"/>, if that SSRC has been seen.</summary>
    public bool TryGetRolloverCounter(uint ssrc, out uint roc)
    {
        if (_streams.TryGetValue(ssrc, out var s) && s.HasRtp) { roc = s.Roc; return true; }
        roc = 0;
        return false;
    }

    /// <summary>
    /// Protects the RTP packet buffer[0..length) in place, appending the tag (RFC 3711 §3.1, RFC 7714 §8).
    /// The sender ROC follows the sequence numbers (it increments when SEQ wraps), so retransmitting an old packet
    /// is protected with that packet's ROC. Returns false (and counts a malformed drop) if the packet is not RTP or
    /// the buffer lacks <see cref="RtpOverhead"/> spare bytes.
    /// </summary>
    public bool TryProtectRtp(Span<byte> buffer, int length, out int protectedLength)
    {
        protectedLength = 0;
        ObjectDisposedException.ThrowIf(_disposed, this);
        if ((uint)length > (uint)buffer.Length || buffer.Length - length < _transform.RtpTagLength
            || !TryGetRtpHeaderLength(buffer.Slice(0, length), out int headerLength))
        {
            Interlocked.Increment(ref _malformedDrops);
            return false;
        }
        ushort seq = BinaryPrimitives.ReadUInt16BigEndian(buffer.Slice(2));
        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer.Slice(8));
        var state = GetOrCreate(ssrc);
        long v = state.EstimateRoc(seq);
        if (v < 0)
        {
            Interlocked.Increment(ref _malformedDrops);
            return false;
        }
        state.Update(seq, v);
        protectedLength = _transform.ProtectRtp(buffer, headerLength, length, ssrc, (uint)v, seq);
        return true;
    }

    /// <summary>
    /// Verifies and decrypts the SRTP packet in place. Returns false (counted as auth failure, replay or malformed)
    /// for anything that does not authenticate; <paramref name="length"/> is then 0. Never throws on bad input.
    /// </summary>
    public bool TryUnprotectRtp(Span<byte> packet, out int length)
    {
        length = 0;
        if (_disposed) return false;
        int tag = _transform.RtpTagLength;
        if (!TryGetRtpHeaderLength(packet, out int headerLength) || packet.Length < headerLength + tag)
        {
            Interlocked.Increment(ref _malformedDrops);
            return false;
        }
        ushort seq = BinaryPrimitives.ReadUInt16BigEndian(packet.Slice(2));
        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet.Slice(8));
        _streams.TryGetValue(ssrc, out var state);
        long v = state is null ? 0 : state.EstimateRoc(seq);
        long index = v < 0 ? -1 : (v << 16) | seq;
        // RFC 3711 §3.3.2: the replay check is made before authentication; the window is updated only after it.
        if (state is not null && !state.RtpReplay.CanAccept(index))
        {
            Interlocked.Increment(ref _replayDrops);
            return false;
        }
        if (!_transform.UnprotectRtp(packet, headerLength, packet.Length, ssrc, (uint)v, seq))
        {
            Interlocked.Increment(ref _authFailures);
            return false;
        }
        state ??= GetOrCreate(ssrc);
        state.LastUsed = ++_useClock;
        state.Update(seq, v);
        state.RtpReplay.Accept(index);
        length = packet.Length - tag;
        return true;
    }

    /// <summary>
    /// Protects the compound RTCP packet buffer[0..length) in place (RFC 3711 §3.4, RFC 7714 §9), with E = 1 and the
    /// next SRTCP index. Returns false if it is not RTCP or the buffer lacks <see cref="RtcpOverhead"/> spare bytes.
    /// </summary>
    public bool TryProtectRtcp(Span<byte> buffer, int length, out int protectedLength)
    {
        protectedLength = 0;
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (length < 8 || (uint)length > (uint)buffer.Length || buffer.Length - length < _transform.RtcpTrailerLength
            || (buffer[0] >> 6) != 2)
        {
            Interlocked.Increment(ref _malformedDrops);
            return false;
        }
        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer.Slice(4));
        uint index = _nextSrtcpIndex;
        _nextSrtcpIndex = (index + 1) & 0x7FFF_FFFF;
        protectedLength = _transform.ProtectRtcp(buffer, length, ssrc, index);
        return true;
    }

    /// <summary>Verifies and decrypts an SRTCP packet in place; false (and counted) on any failure. Never throws on bad input.</summary>
    public bool TryUnprotectRtcp(Span<byte> packet, out int length)
    {
        length = 0;
        if (_disposed) return false;
        if (packet.Length < 8 + _transform.RtcpTrailerLength || (packet[0] >> 6) != 2)
        {
            Interlocked.Increment(ref _malformedDrops);
            return false;
        }
        uint eIndex = BinaryPrimitives.ReadUInt32BigEndian(packet.Slice(packet.Length - _transform.SrtcpIndexOffsetFromEnd));
        bool encrypted = (eIndex & 0x8000_0000u) != 0;
        uint index = eIndex & 0x7FFF_FFFF;
        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet.Slice(4));
        _streams.TryGetValue(ssrc, out var state);
        if (state is not null && !state.RtcpReplay.CanAccept(index))
        {
            Interlocked.Increment(ref _replayDrops);
            return false;
        }
        int plain = _transform.UnprotectRtcp(packet, packet.Length, ssrc, index, encrypted);
        if (plain < 0)
        {
            Interlocked.Increment(ref _authFailures);
            return false;
        }
        state ??= GetOrCreate(ssrc);
        state.LastUsed = ++_useClock;
        state.RtcpReplay.Accept(index);
        length = plain;
        return true;
    }

    // RFC 3550 §5.1: 12 + 4·CC, plus 4 + 4·length when X = 1.
    private static bool TryGetRtpHeaderLength(ReadOnlySpan<byte> packet, out int headerLength)
    {
        headerLength = 0;
        if (packet.Length < 12 || (packet[0] >> 6) != 2) return false;
        int length = 12 + 4 * (packet[0] & 0x0F);
        if ((packet[0] & 0x10) != 0)
        {
            if (packet.Length < length + 4) return false;
            length += 4 + 4 * BinaryPrimitives.ReadUInt16BigEndian(packet.Slice(length + 2));
        }
        if (length > packet.Length) return false;
        headerLength = length;
        return true;
    }

    private SrtpStreamState GetOrCreate(uint ssrc)
    {
        if (_streams.TryGetValue(ssrc, out var state))
        {
            state.LastUsed = ++_useClock;
            return state;
        }
        if (_streams.Count >= _options.MaxStreams)
        {
            SrtpStreamState? oldest = null;
            foreach (var s in _streams.Values)
                if (oldest is null || s.LastUsed < oldest.LastUsed) oldest = s;
            _streams.Remove(oldest!.Ssrc);
            Interlocked.Increment(ref _streamEvictions);
        }
        state = new SrtpStreamState(ssrc, _options.ReplayWindowSize) { LastUsed = ++_useClock };
        _streams.Add(ssrc, state);
        return state;
    }

    /// <summary>Frees the crypto objects.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _transform.Dispose();
    }
}
