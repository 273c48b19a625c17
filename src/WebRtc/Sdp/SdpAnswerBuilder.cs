using System.Globalization;

namespace WebRtcBridge.WebRtc.Sdp;

/// <summary>
/// Server role (JSEP, RFC 8829 §5.3): answers a browser's offer with ICE-lite and ONE bidirectional VP8 video
/// m-line, exactly in the style of the answer verified against Chromium 156, Firefox ESR 153 and aiortc 1.4
/// (docs/webrtc-stack.md#sdp). The VP8 payload type, the mid and the extension ids are the offer's. Other m-lines are
/// rejected with port 0 (RFC 8829 §5.3.1). Offers we cannot serve throw <see cref="SdpNegotiationException"/>.
/// </summary>
public static class SdpAnswerBuilder
{
    private const string Crlf = "\r\n";

    /// <summary>Parses <paramref name="offerSdp"/> and answers it. Throws <see cref="SdpException"/>.</summary>
    public static SdpAnswer Build(string offerSdp, SdpLocalParameters local) => Build(SdpParser.Parse(offerSdp), local);

    /// <summary>Answers <paramref name="offer"/>. Throws <see cref="SdpNegotiationException"/> when it cannot be served.</summary>
    public static SdpAnswer Build(SessionDescription offer, SdpLocalParameters local)
    {
        ArgumentNullException.ThrowIfNull(offer);
        ArgumentNullException.ThrowIfNull(local);
        local.Validate();

        MediaDescription? video = null;
        foreach (var m in offer.Media)
            if (SdpMediaReader.IsActiveVideo(m)) { video = m; break; }
        if (video is null) throw new SdpNegotiationException("no video m-line");
        if (!video.Protocol.EndsWith("RTP/SAVPF", StringComparison.Ordinal))
            throw new SdpNegotiationException($"video m-line protocol {video.Protocol} is not UDP/TLS/RTP/SAVPF");
        int pt = SdpMediaReader.FindVp8(video) ?? throw new SdpNegotiationException("no VP8 codec in the offer");
        if (!video.HasAttribute("rtcp-mux")) throw new SdpNegotiationException("offer lacks a=rtcp-mux");
        if (SdpMediaReader.Fingerprint(offer, video, "offer") is null) throw new SdpNegotiationException("offer lacks a DTLS fingerprint");

        // RFC 8842 §5.3 / docs/webrtc-stack.md#sdp: we are the DTLS server unless the offerer insists on being it.
        var remoteSetup = SdpMediaReader.Setup(offer, video, "offer");
        var localSetup = remoteSetup == DtlsSetupRole.Passive ? DtlsSetupRole.Active : DtlsSetupRole.Passive;

        var offerDirection = SdpMediaReader.Direction(offer, video);
        var localDirection = offerDirection.Reverse();
        if (!local.SendVideo)
            localDirection = localDirection switch
            {
                SdpDirection.SendRecv => SdpDirection.RecvOnly,
                SdpDirection.SendOnly => SdpDirection.Inactive,
                _ => localDirection,
            };

        var feedback = SdpMediaReader.FindFeedback(video, pt) & SdpMediaReader.Feedback.All;
        bool rsize = video.HasAttribute("rtcp-rsize");
        var negotiated = SdpMediaReader.Read(offer, video, pt, "offer", localSetup, localDirection, feedback, rsize);

        var answer = new SessionDescription
        {
            Origin = new SdpOrigin("-", local.SessionId.ToString(CultureInfo.InvariantCulture), "2", "IN", "IP4", "127.0.0.1"),
            SessionName = "-",
        };
        answer.TimeLines.Add(new SdpLine('t', "0 0"));
        answer.Attributes.Add(new SdpAttribute("ice-lite"));
        string? mid = video.Mid;
        bool bundled = mid != null && offer.BundleMids.Contains(mid);
        if (bundled) answer.Attributes.Add(new SdpAttribute("group", "BUNDLE " + mid));
        bool sending = localDirection.Sends();
        if (sending) answer.Attributes.Add(new SdpAttribute("msid-semantic", " WMS " + local.StreamId));
        answer.Attributes.Add(new SdpAttribute("fingerprint", local.FingerprintAlgorithm + " " + local.Fingerprint));

        foreach (var m in offer.Media)
            answer.Media.Add(m == video
                ? VideoSection(video, local, pt, localSetup, localDirection, feedback, rsize)
                : Rejected(m));
        return new SdpAnswer(answer, negotiated);
    }

    private static MediaDescription VideoSection(MediaDescription offer, SdpLocalParameters local, int pt,
        DtlsSetupRole setup, SdpDirection direction, SdpMediaReader.Feedback feedback, bool rsize)
    {
        string ptText = pt.ToString(CultureInfo.InvariantCulture);
        var first = local.Candidates.Count > 0 ? local.Candidates[0] : null;
        var m = new MediaDescription
        {
            Media = "video",
            Port = first?.Port ?? 9,
            Protocol = offer.Protocol,
            Connection = SdpConnection.For(first?.Address ?? "0.0.0.0"),
        };
        m.Formats.Add(ptText);
        var a = m.Attributes;
        if (offer.Mid is { } mid) a.Add(new SdpAttribute("mid", mid));
        a.Add(new SdpAttribute("ice-ufrag", local.IceUfrag));
        a.Add(new SdpAttribute("ice-pwd", local.IcePwd));
        a.Add(new SdpAttribute("setup", setup.ToSdp()));
        if (SdpMediaReader.FindExtension(offer, SdpMediaReader.SdesMidUri) is int midId)
            a.Add(new SdpAttribute("extmap", $"{midId} {SdpMediaReader.SdesMidUri}"));
        if (SdpMediaReader.FindExtension(offer, SdpMediaReader.AbsSendTimeUri) is int astId)
            a.Add(new SdpAttribute("extmap", $"{astId} {SdpMediaReader.AbsSendTimeUri}"));
        a.Add(new SdpAttribute(direction.ToSdp()));
        bool sending = direction.Sends();
        if (sending) a.Add(new SdpAttribute("msid", $"{local.StreamId} {local.TrackId}"));
        a.Add(new SdpAttribute("rtcp-mux"));
        if (rsize) a.Add(new SdpAttribute("rtcp-rsize"));
        a.Add(new SdpAttribute("rtpmap", ptText + " VP8/90000"));
        // Only feedback the offer listed for VP8 (an answer's rtcp-fb is a subset of the offer's, RFC 8829 §5.3.1).
        if ((feedback & SdpMediaReader.Feedback.Remb) != 0) a.Add(new SdpAttribute("rtcp-fb", ptText + " goog-remb"));
        if ((feedback & SdpMediaReader.Feedback.Fir) != 0) a.Add(new SdpAttribute("rtcp-fb", ptText + " ccm fir"));
        if ((feedback & SdpMediaReader.Feedback.Nack) != 0) a.Add(new SdpAttribute("rtcp-fb", ptText + " nack"));
        if ((feedback & SdpMediaReader.Feedback.Pli) != 0) a.Add(new SdpAttribute("rtcp-fb", ptText + " nack pli"));
        if (sending)
        {
            string ssrc = local.Ssrc.ToString(CultureInfo.InvariantCulture);
            a.Add(new SdpAttribute("ssrc", $"{ssrc} cname:{local.Cname}"));
            a.Add(new SdpAttribute("ssrc", $"{ssrc} msid:{local.StreamId} {local.TrackId}"));
        }
        foreach (var c in local.Candidates)
            a.Add(new SdpAttribute("candidate", c.ToString()["candidate:".Length..]));
        a.Add(new SdpAttribute("end-of-candidates"));
        return m;
    }

    // RFC 8829 §5.3.1: a rejected m= section keeps media, proto and one format, port 0, and its a=mid.
    private static MediaDescription Rejected(MediaDescription offer)
    {
        var m = new MediaDescription { Media = offer.Media, Port = 0, Protocol = offer.Protocol, Connection = SdpConnection.For("0.0.0.0") };
        if (offer.Formats.Count > 0) m.Formats.Add(offer.Formats[0]);
        if (offer.Mid is { } mid) m.Attributes.Add(new SdpAttribute("mid", mid));
        return m;
    }
}
