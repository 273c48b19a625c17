namespace WebRtcBridge.WebRtc.Ice;

/// <summary>ICE agent state, shared by <see cref="IceLiteAgent"/> and <see cref="IceControllingAgent"/>.</summary>
public enum IceState
{
    /// <summary>Nothing received or sent yet.</summary>
    New,
    /// <summary>Checks are in progress; no usable pair yet.</summary>
    Checking,
    /// <summary>A pair is usable (nominated or, for the lite agent, at least one valid tuple).</summary>
    Connected,
    /// <summary>Checks failed or consent expired (RFC 7675); terminal.</summary>
    Failed,
    /// <summary>Closed by the owner; terminal.</summary>
    Closed,
}
