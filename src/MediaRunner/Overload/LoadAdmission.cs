using System.Globalization;

namespace WebRtcBridge.MediaRunner.Overload;

/// <summary>Admit, or refuse with the error text for the client.</summary>
public readonly record struct AdmissionDecision(bool Admitted, string? Error, NodeLoadSnapshot Load);

/// <summary>
/// Admission of new WebRTC sessions by measured load (<c>Bridge:Admission</c>): refused when the node's load plus what
/// one more session would add (<see cref="NodeLoadSnapshot.Projected"/>) exceeds <see cref="AdmissionOptions.MaxLoad"/>,
/// because that session would push the existing ones below their frame rate; also refused while
/// <see cref="AdmissionOptions.MaxDegradedShare"/> of the live sessions already run below 25 fps (the node cannot hold
/// them, even when the cores are busy with other processes' work). Before any frame was measured there is nothing to
/// project from, and the session is admitted.
/// </summary>
public sealed class LoadAdmission(INodeLoadSource load, AdmissionOptions options)
{
    public AdmissionOptions Options => options;

    public AdmissionDecision TryAdmit()
    {
        var s = load.Read();
        if (!options.Enabled) return new AdmissionDecision(true, null, s);
        double projected = s.Projected(1);
        if (!double.IsNaN(s.SessionLoad) && projected > options.MaxLoad)
        {
            OverloadMetrics.Refused();
            return new AdmissionDecision(false, string.Create(CultureInfo.InvariantCulture,
                $"unavailable: node at capacity (measured load {s.Load:F2} of {s.Cores} cores, one more session projects {projected:F2} > {options.MaxLoad:F2}), try again later"), s);
        }
        if (s.DegradedSessions >= 2 && s.DegradedSessions >= options.MaxDegradedShare * s.Sessions)
        {
            OverloadMetrics.Refused();
            return new AdmissionDecision(false, string.Create(CultureInfo.InvariantCulture,
                $"unavailable: node at capacity ({s.DegradedSessions} of {s.Sessions} sessions run below 25 fps), try again later"), s);
        }
        load.NoteAdmitted();
        return new AdmissionDecision(true, null, s);
    }
}
