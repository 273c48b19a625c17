namespace WebRtcBridge.WebRtc.Srtp;

/// <summary>Per-SSRC SRTP state: rollover counter, highest sequence number and replay windows.</summary>
internal sealed class SrtpStreamState
{
    public SrtpStreamState(uint ssrc, int replayWindowSize)
    {
        Ssrc = ssrc;
        RtpReplay = new SrtpReplayWindow(replayWindowSize);
        RtcpReplay = new SrtpReplayWindow(replayWindowSize);
    }

    public uint Ssrc { get; }

    /// <summary>False until the first RTP packet set s_l.</summary>
    public bool HasRtp { get; private set; }

    /// <summary>ROC: the rollover counter (RFC 3711 §3.3.1).</summary>
    public uint Roc { get; private set; }

    /// <summary>s_l: highest sequence number seen with the current ROC.</summary>
    public ushort HighestSeq { get; private set; }

    public SrtpReplayWindow RtpReplay { get; }
    public SrtpReplayWindow RtcpReplay { get; }

    /// <summary>Logical time of last use, for least-recently-used eviction.</summary>
    public long LastUsed { get; set; }

    /// <summary>
    /// RFC 3711 §3.3.1 / Appendix A: guesses the ROC v for <paramref name="seq"/>. Returns -1 when the guess would be
    /// ROC-1 with ROC = 0 (a packet from before the stream started). The first packet of a stream gets ROC 0.
    /// </summary>
    public long EstimateRoc(ushort seq)
    {
        if (!HasRtp) return 0;
        long roc = Roc;
        long v;
        if (HighestSeq < 32768)
            v = seq - HighestSeq > 32768 ? roc - 1 : roc;
        else
            v = HighestSeq - 32768 > seq ? roc + 1 : roc;
        return v < 0 || v > uint.MaxValue ? -1 : v;
    }

    /// <summary>Updates ROC and s_l after a packet with ROC guess <paramref name="v"/> was authenticated (or sent).</summary>
    public void Update(ushort seq, long v)
    {
        if (!HasRtp) { HasRtp = true; Roc = (uint)v; HighestSeq = seq; return; }
        if (v == Roc + 1L) { Roc = (uint)v; HighestSeq = seq; }
        else if (v == Roc && seq > HighestSeq) HighestSeq = seq;
    }
}
