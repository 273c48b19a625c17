using System.Globalization;
using WebRtcBridge.WebRtc.Dtls;
using WebRtcBridge.WebRtc.Ice;

namespace WebRtcBridge.WebRtc.Sdp;

/// <summary>Reads the WebRTC-relevant attributes of a remote description's video section (shared by both roles).</summary>
internal static class SdpMediaReader
{
    public const string AbsSendTimeUri = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    public const string SdesMidUri = "urn:ietf:params:rtp-hdrext:sdes:mid";

    /// <summary>Feedback types we use for VP8, in the order of the verified answer (docs/webrtc-stack.md#sdp).</summary>
    [Flags]
    public enum Feedback { None = 0, Remb = 1, Fir = 2, Nack = 4, Pli = 8, All = 15 }

    /// <summary>An m=video section that takes part: port non-zero, or port 0 with a=bundle-only (RFC 8843 §6).</summary>
    public static bool IsActiveVideo(MediaDescription m) =>
        m.Media == "video" && (m.Port != 0 || m.HasAttribute("bundle-only"));

    /// <summary>VP8's payload type: an a=rtpmap "pt VP8/90000" whose pt is listed on the m= line.</summary>
    public static int? FindVp8(MediaDescription m)
    {
        foreach (var v in m.GetAttributes("rtpmap"))
        {
            int sp = v.IndexOf(' ');
            if (sp <= 0) continue;
            var pt = v.AsSpan(0, sp);
            var enc = v.AsSpan(sp + 1).Trim();
            if (!enc.StartsWith("VP8/90000", StringComparison.OrdinalIgnoreCase)) continue;
            if (enc.Length != 9 && enc[9] != '/') continue;
            if (!int.TryParse(pt, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n > 127) continue;
            if (m.Formats.Contains(n.ToString(CultureInfo.InvariantCulture))) return n;
        }
        return null;
    }

    /// <summary>The id of the a=extmap with <paramref name="uri"/> (RFC 8285 §8), ignoring any "/direction".</summary>
    public static int? FindExtension(MediaDescription m, string uri)
    {
        foreach (var v in m.GetAttributes("extmap"))
        {
            var parts = v.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2 || parts[1] != uri) continue;
            var idText = parts[0].AsSpan();
            int slash = idText.IndexOf('/');
            if (slash >= 0) idText = idText.Slice(0, slash);
            if (int.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out int id) && id is >= 1 and <= 255)
                return id;
        }
        return null;
    }

    /// <summary>Feedback types listed for <paramref name="pt"/> (or "*").</summary>
    public static Feedback FindFeedback(MediaDescription m, int pt)
    {
        var result = Feedback.None;
        string ptText = pt.ToString(CultureInfo.InvariantCulture);
        foreach (var v in m.GetAttributes("rtcp-fb"))
        {
            int sp = v.IndexOf(' ');
            if (sp <= 0) continue;
            var key = v.AsSpan(0, sp);
            if (!key.SequenceEqual(ptText) && !key.SequenceEqual("*")) continue;
            switch (v.AsSpan(sp + 1).Trim())
            {
                case "nack": result |= Feedback.Nack; break;
                case "nack pli": result |= Feedback.Pli; break;
                case "ccm fir": result |= Feedback.Fir; break;
                case "goog-remb": result |= Feedback.Remb; break;
            }
        }
        return result;
    }

    /// <summary>Media-level direction, else session-level, else sendrecv (RFC 8866 §6.7).</summary>
    public static SdpDirection Direction(SessionDescription s, MediaDescription m) =>
        DirectionIn(m.Attributes) ?? DirectionIn(s.Attributes) ?? SdpDirection.SendRecv;

    private static SdpDirection? DirectionIn(List<SdpAttribute> list)
    {
        foreach (var a in list)
        {
            switch (a.Name)
            {
                case "sendrecv": return SdpDirection.SendRecv;
                case "sendonly": return SdpDirection.SendOnly;
                case "recvonly": return SdpDirection.RecvOnly;
                case "inactive": return SdpDirection.Inactive;
            }
        }
        return null;
    }

    /// <summary>Media-level attribute, else session-level.</summary>
    public static string? Attribute(SessionDescription s, MediaDescription m, string name) =>
        m.GetAttribute(name) ?? s.GetAttribute(name);

    /// <summary>
    /// The fingerprint (media level first; of several, the strongest hash), normalised; null when absent. Throws when
    /// malformed, or when only hashes weaker than sha-256 are offered (sha-1 and md5 are no longer collision-resistant,
    /// so they cannot bind the DTLS certificate to this description).
    /// </summary>
    public static (string Algorithm, string Value)? Fingerprint(SessionDescription s, MediaDescription m, string side)
    {
        foreach (var list in new[] { m.Attributes, s.Attributes })
        {
            (string Algorithm, string Value)? best = null;
            string? weak = null;
            foreach (var v in SdpAttributes.All(list, "fingerprint"))
            {
                var parts = v.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length != 2 || !IsHexPairs(parts[1]))
                    throw new SdpNegotiationException($"{side} has a malformed a=fingerprint");
                var fp = (Algorithm: parts[0].ToLowerInvariant(), Value: parts[1].ToUpperInvariant());
                if (!DtlsFingerprint.IsStrongAlgorithm(fp.Algorithm)) { weak ??= fp.Algorithm; continue; }
                if (best is null || DtlsFingerprint.HashSize(fp.Algorithm) > DtlsFingerprint.HashSize(best.Value.Algorithm)) best = fp;
            }
            if (best is not null) return best;
            if (weak is not null)
                throw new SdpNegotiationException($"{side} has only a '{weak}' DTLS fingerprint: sha-256, sha-384 or sha-512 is required");
        }
        return null;
    }

    /// <summary>a=setup, media level first; absent means "active" (RFC 4145 §4). Throws on holdconn/unknown.</summary>
    public static DtlsSetupRole Setup(SessionDescription s, MediaDescription m, string side) =>
        Attribute(s, m, "setup") switch
        {
            null or "active" => DtlsSetupRole.Active,
            "passive" => DtlsSetupRole.Passive,
            "actpass" => DtlsSetupRole.ActPass,
            var other => throw new SdpNegotiationException($"{side} has unsupported a=setup:{other}"),
        };

    /// <summary>The sender's SSRC: first of a=ssrc-group:FID, else the first a=ssrc.</summary>
    public static uint? Ssrc(MediaDescription m)
    {
        foreach (var v in m.GetAttributes("ssrc-group"))
        {
            var parts = v.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 2 && parts[0] == "FID" && uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out uint fid))
                return fid;
        }
        foreach (var v in m.GetAttributes("ssrc"))
        {
            int sp = v.IndexOf(' ');
            var id = sp < 0 ? v.AsSpan() : v.AsSpan(0, sp);
            if (uint.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out uint ssrc)) return ssrc;
        }
        return null;
    }

    /// <summary>Candidates of the video section and of every section bundled with it (deduplicated).</summary>
    public static (List<IceCandidate> Candidates, bool EndOfCandidates) Candidates(SessionDescription s, MediaDescription video)
    {
        var list = new List<IceCandidate>();
        var seen = new HashSet<string>();
        bool eoc = s.HasAttribute("end-of-candidates");
        var bundle = s.BundleMids;
        foreach (var m in s.Media)
        {
            if (m != video && (m.Mid is null || !bundle.Contains(m.Mid))) continue;
            eoc |= m.HasAttribute("end-of-candidates");
            foreach (var v in m.GetAttributes("candidate"))
            {
                if (list.Count >= 64) break;
                if (IceCandidate.TryParse("candidate:" + v, out var c) && seen.Add(c!.ToString())) list.Add(c);
            }
        }
        return (list, eoc);
    }

    /// <summary>Reads ICE credentials, fingerprint and the rest into a <see cref="NegotiatedVideo"/>.</summary>
    public static NegotiatedVideo Read(SessionDescription remote, MediaDescription m, int pt, string side,
        DtlsSetupRole localSetup, SdpDirection localDirection, Feedback feedback, bool rtcpRsize)
    {
        var ufrag = Attribute(remote, m, "ice-ufrag");
        var pwd = Attribute(remote, m, "ice-pwd");
        if (ufrag is null || pwd is null) throw new SdpNegotiationException($"{side} lacks a=ice-ufrag/a=ice-pwd");
        if (!IceCredentials.IsValid(ufrag, 1) || !IceCredentials.IsValid(pwd, 1))
            throw new SdpNegotiationException($"{side} has invalid ICE credentials");
        var fp = Fingerprint(remote, m, side) ?? throw new SdpNegotiationException($"{side} lacks a DTLS fingerprint");
        var (candidates, eoc) = Candidates(remote, m);
        return new NegotiatedVideo
        {
            PayloadType = pt,
            Mid = m.Mid,
            AbsSendTimeExtensionId = FindExtension(m, AbsSendTimeUri),
            SdesMidExtensionId = FindExtension(m, SdesMidUri),
            RemoteIceUfrag = ufrag,
            RemoteIcePwd = pwd,
            RemoteIceLite = remote.HasAttribute("ice-lite"),
            RemoteFingerprintAlgorithm = fp.Algorithm,
            RemoteFingerprint = fp.Value,
            RemoteSetup = Setup(remote, m, side),
            LocalSetup = localSetup,
            LocalDirection = localDirection,
            RemoteSsrc = localDirection.Receives() ? Ssrc(m) : null,
            RemoteCandidates = candidates,
            RemoteEndOfCandidates = eoc,
            NackAllowed = (feedback & Feedback.Nack) != 0,
            PliAllowed = (feedback & Feedback.Pli) != 0,
            FirAllowed = (feedback & Feedback.Fir) != 0,
            RembAllowed = (feedback & Feedback.Remb) != 0,
            RtcpReducedSize = rtcpRsize,
        };
    }

    private static bool IsHexPairs(string s)
    {
        if (s.Length < 2 || (s.Length + 1) % 3 != 0) return false;
        for (int i = 0; i < s.Length; i++)
        {
            bool sep = i % 3 == 2;
            if (sep ? s[i] != ':' : !char.IsAsciiHexDigit(s[i])) return false;
        }
        return true;
    }
}
