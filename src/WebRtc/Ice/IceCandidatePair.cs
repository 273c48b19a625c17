using System.Net;

namespace WebRtcBridge.WebRtc.Ice;

/// <summary>State of one candidate pair (RFC 8445 §6.1.2.6, without Frozen: we have one component and few pairs).</summary>
public enum IceCandidatePairState
{
    Waiting,
    InProgress,
    Succeeded,
    Failed,
}

/// <summary>A local × remote candidate pair of the controlling agent (RFC 8445 §6.1.2).</summary>
public sealed class IceCandidatePair
{
    internal IceCandidatePair(IceCandidate local, IPEndPoint localEndPoint, IceCandidate remote, IPEndPoint remoteEndPoint)
    {
        Local = local;
        LocalEndPoint = localEndPoint;
        Remote = remote;
        RemoteEndPoint = remoteEndPoint;
        Priority = ComputePriority(local.Priority, remote.Priority);
    }

    /// <summary>Our candidate.</summary>
    public IceCandidate Local { get; }
    /// <summary>Our candidate's end point.</summary>
    public IPEndPoint LocalEndPoint { get; }
    /// <summary>The peer's candidate.</summary>
    public IceCandidate Remote { get; }
    /// <summary>The peer's end point.</summary>
    public IPEndPoint RemoteEndPoint { get; }
    /// <summary>Pair priority (RFC 8445 §6.1.2.3).</summary>
    public ulong Priority { get; }
    /// <summary>Current state.</summary>
    public IceCandidatePairState State { get; internal set; }

    /// <summary>2^32·MIN(G,D) + 2·MAX(G,D) + (G&gt;D ? 1 : 0), G = controlling, D = controlled (RFC 8445 §6.1.2.3).</summary>
    public static ulong ComputePriority(uint controlling, uint controlled) =>
        ((ulong)Math.Min(controlling, controlled) << 32) + 2UL * Math.Max(controlling, controlled) + (controlling > controlled ? 1UL : 0UL);

    /// <inheritdoc/>
    public override string ToString() => $"{LocalEndPoint} -> {RemoteEndPoint} ({State})";
}
