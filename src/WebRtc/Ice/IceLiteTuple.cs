using System.Net;

namespace WebRtcBridge.WebRtc.Ice;

/// <summary>
/// What an <see cref="IceLiteAgent"/> knows about one remote address that sent a valid check: its own consent
/// time (RFC 7675 is per address: a check from one address says nothing about another), whether the peer proved it
/// receives there (a return-path check answered from it), and a pending nomination waiting for that proof.
/// </summary>
internal sealed class IceLiteTuple
{
    public IceLiteTuple(IPEndPoint endPoint) => EndPoint = endPoint;

    /// <summary>The address (a stored copy, never the caller's object).</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>Time (ms) of the last fresh (not retransmitted, not replayed) valid check from this address.</summary>
    public long LastCheckMs { get; set; } = long.MinValue;

    /// <summary>The peer answered a Binding request we sent here, or DTLS completed over it: media may go here.</summary>
    public bool Verified { get; set; }

    /// <summary>The peer nominated this address (USE-CANDIDATE) before it was verified.</summary>
    public bool NominationPending { get; set; }

    /// <summary>Transaction id of our outstanding return-path check, valid while <see cref="CheckSentMs"/> is set.</summary>
    public byte[] CheckTransactionId { get; } = new byte[StunConstants.TransactionIdLength];

    /// <summary>When our last return-path check was sent, or long.MinValue.</summary>
    public long CheckSentMs { get; set; } = long.MinValue;
}
