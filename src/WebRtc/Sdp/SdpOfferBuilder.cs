using System.Globalization;

namespace WebRtcBridge.WebRtc.Sdp;

/// <summary>
/// Client role (docs/webrtc-stack.md#sdp): our full-ICE offer with one sendrecv VP8 video m-line, a=setup:actpass, and
/// <see cref="ParseAnswer(string)"/> for the server's answer.
/// </summary>
public static class SdpOfferBuilder
{
    /// <summary>VP8 payload type we offer.</summary>
    public const int Vp8PayloadType = 96;
    /// <summary>Extension id we offer for urn:ietf:params:rtp-hdrext:sdes:mid.</summary>
    public const int SdesMidExtensionId = 1;
    /// <summary>Extension id we offer for abs-send-time.</summary>
    public const int AbsSendTimeExtensionId = 2;
    /// <summary>The mid of our video m-line.</summary>
    public const string Mid = "0";

    /// <summary>Builds the offer. <c>ToString()</c> gives the SDP text.</summary>
    public static SessionDescription Build(SdpLocalParameters local)
    {
        ArgumentNullException.ThrowIfNull(local);
        local.Validate();
        string pt = Vp8PayloadType.ToString(CultureInfo.InvariantCulture);
        var d = new SessionDescription
        {
            Origin = new SdpOrigin("-", local.SessionId.ToString(CultureInfo.InvariantCulture), "2", "IN", "IP4", "127.0.0.1"),
        };
        d.TimeLines.Add(new SdpLine('t', "0 0"));
        d.Attributes.Add(new SdpAttribute("group", "BUNDLE " + Mid));
        if (local.SendVideo) d.Attributes.Add(new SdpAttribute("msid-semantic", " WMS " + local.StreamId));
        d.Attributes.Add(new SdpAttribute("fingerprint", local.FingerprintAlgorithm + " " + local.Fingerprint));
        d.Attributes.Add(new SdpAttribute("ice-options", "trickle"));

        var first = local.Candidates.Count > 0 ? local.Candidates[0] : null;
        var m = new MediaDescription
        {
            Media = "video", Port = first?.Port ?? 9, Protocol = "UDP/TLS/RTP/SAVPF",
            Connection = SdpConnection.For(first?.Address ?? "0.0.0.0"),
        };
        m.Formats.Add(pt);
        var a = m.Attributes;
        a.Add(new SdpAttribute("mid", Mid));
        a.Add(new SdpAttribute("setup", "actpass"));
        a.Add(new SdpAttribute("ice-ufrag", local.IceUfrag));
        a.Add(new SdpAttribute("ice-pwd", local.IcePwd));
        a.Add(new SdpAttribute("extmap", $"{SdesMidExtensionId} {SdpMediaReader.SdesMidUri}"));
        a.Add(new SdpAttribute("extmap", $"{AbsSendTimeExtensionId} {SdpMediaReader.AbsSendTimeUri}"));
        a.Add(new SdpAttribute(local.SendVideo ? "sendrecv" : "recvonly"));
        if (local.SendVideo) a.Add(new SdpAttribute("msid", $"{local.StreamId} {local.TrackId}"));
        a.Add(new SdpAttribute("rtcp-mux"));
        a.Add(new SdpAttribute("rtcp-rsize"));
        a.Add(new SdpAttribute("rtpmap", pt + " VP8/90000"));
        a.Add(new SdpAttribute("rtcp-fb", pt + " goog-remb"));
        a.Add(new SdpAttribute("rtcp-fb", pt + " ccm fir"));
        a.Add(new SdpAttribute("rtcp-fb", pt + " nack"));
        a.Add(new SdpAttribute("rtcp-fb", pt + " nack pli"));
        if (local.SendVideo)
        {
            string ssrc = local.Ssrc.ToString(CultureInfo.InvariantCulture);
            a.Add(new SdpAttribute("ssrc", $"{ssrc} cname:{local.Cname}"));
            a.Add(new SdpAttribute("ssrc", $"{ssrc} msid:{local.StreamId} {local.TrackId}"));
        }
        foreach (var c in local.Candidates)
            a.Add(new SdpAttribute("candidate", c.ToString()["candidate:".Length..]));
        if (local.Candidates.Count > 0) a.Add(new SdpAttribute("end-of-candidates"));
        d.Media.Add(m);
        return d;
    }

    /// <summary>Parses the server's answer to our offer. Throws <see cref="SdpException"/>.</summary>
    public static NegotiatedVideo ParseAnswer(string answerSdp) => ParseAnswer(SdpParser.Parse(answerSdp));

    /// <summary>
    /// Reads what the answer accepted: its video m-line must be accepted, carry VP8 with a payload type we offered,
    /// rtcp-mux, a fingerprint, ICE credentials and a=setup active or passive. Throws
    /// <see cref="SdpNegotiationException"/> otherwise.
    /// </summary>
    public static NegotiatedVideo ParseAnswer(SessionDescription answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        MediaDescription? video = null;
        foreach (var m in answer.Media)
            if (m.Media == "video") { video = m; break; }
        if (video is null) throw new SdpNegotiationException("no video m-line in the answer");
        if (video.Port == 0 && !video.HasAttribute("bundle-only")) throw new SdpNegotiationException("answer rejected the video m-line");
        int pt = SdpMediaReader.FindVp8(video) ?? throw new SdpNegotiationException("no VP8 codec in the answer");
        if (pt != Vp8PayloadType) throw new SdpNegotiationException($"answer uses VP8 payload type {pt}, we offered {Vp8PayloadType}");
        if (!video.HasAttribute("rtcp-mux")) throw new SdpNegotiationException("answer lacks a=rtcp-mux");
        if (SdpMediaReader.Fingerprint(answer, video, "answer") is null) throw new SdpNegotiationException("answer lacks a DTLS fingerprint");
        var remoteSetup = SdpMediaReader.Setup(answer, video, "answer");
        if (remoteSetup == DtlsSetupRole.ActPass) throw new SdpNegotiationException("answer has a=setup:actpass (must be active or passive)");
        var localSetup = remoteSetup == DtlsSetupRole.Passive ? DtlsSetupRole.Active : DtlsSetupRole.Passive;
        var localDirection = SdpMediaReader.Direction(answer, video).Reverse();
        var feedback = SdpMediaReader.FindFeedback(video, pt);
        return SdpMediaReader.Read(answer, video, pt, "answer", localSetup, localDirection, feedback, video.HasAttribute("rtcp-rsize"));
    }
}
