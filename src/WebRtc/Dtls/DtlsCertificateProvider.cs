namespace WebRtcBridge.WebRtc.Dtls;

/// <summary>
/// Hands out the DTLS certificate for new connections and replaces it once it is <see cref="RotationAge"/> old, well
/// before it expires (<see cref="Validity"/>). A connection leases the certificate it started with
/// (<see cref="Acquire"/>) and returns it when it closes; a replaced certificate is freed when its last lease ends,
/// so live sessions are never disturbed. Thread-safe.
/// </summary>
public sealed class DtlsCertificateProvider : IDisposable
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private DtlsCertificate? _current;
    private DateTimeOffset _createdAt;
    private bool _disposed;

    /// <summary>The process-wide provider used by connections that do not name one: a new certificate every 7 days, each valid for 30.</summary>
    public static DtlsCertificateProvider Shared { get; } = new();

    /// <summary>Creates a provider; the first certificate is made on first use.</summary>
    /// <param name="rotationAge">Age after which new connections get a new certificate (default 7 days).</param>
    /// <param name="validity">Validity of each certificate (default 30 days); must exceed <paramref name="rotationAge"/>.</param>
    /// <param name="time">Clock (tests inject one).</param>
    public DtlsCertificateProvider(TimeSpan? rotationAge = null, TimeSpan? validity = null, TimeProvider? time = null)
    {
        RotationAge = rotationAge ?? TimeSpan.FromDays(7);
        Validity = validity ?? TimeSpan.FromDays(30);
        if (RotationAge <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(rotationAge), "must be positive");
        if (Validity <= RotationAge) throw new ArgumentOutOfRangeException(nameof(validity), "must be longer than the rotation age");
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Age after which new connections get a new certificate.</summary>
    public TimeSpan RotationAge { get; }

    /// <summary>Validity of each certificate.</summary>
    public TimeSpan Validity { get; }

    /// <summary>Certificates replaced so far.</summary>
    public long Rotations { get; private set; }

    /// <summary>
    /// The certificate for a new connection, leased: the caller must pass it to <see cref="Release"/> exactly once when
    /// the connection is done with it. A certificate older than <see cref="RotationAge"/> is replaced first.
    /// </summary>
    public DtlsCertificate Acquire()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var now = _time.GetUtcNow();
            if (_current is null || now - _createdAt >= RotationAge)
            {
                var next = DtlsCertificate.Create("WebRtcBridge", Validity, now);
                if (_current is not null)
                {
                    _current.ReleaseLease(); // the provider's own lease: freed once the last session using it closes
                    Rotations++;
                }
                _current = next;
                _createdAt = now;
            }
            _current.AddLease();
            return _current;
        }
    }

    /// <summary>Returns a lease taken with <see cref="Acquire"/>.</summary>
    public void Release(DtlsCertificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        lock (_gate) certificate.ReleaseLease();
    }

    /// <summary>Drops the provider's lease on the current certificate (sessions still using it keep it).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _current?.ReleaseLease();
            _current = null;
        }
    }
}
