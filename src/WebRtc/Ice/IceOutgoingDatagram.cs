using System.Net;

namespace WebRtcBridge.WebRtc.Ice;

/// <summary>
/// A datagram <see cref="IceControllingAgent.Tick"/> asks the caller to send from the local candidate
/// <paramref name="LocalEndPoint"/> to <paramref name="RemoteEndPoint"/>. <paramref name="Data"/> points into the
/// agent's transaction buffer: send it before the next call into the agent.
/// </summary>
public readonly record struct IceOutgoingDatagram(IPEndPoint LocalEndPoint, IPEndPoint RemoteEndPoint, ReadOnlyMemory<byte> Data);
