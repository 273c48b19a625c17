namespace WebRtcBridge.WebRtc.Tests.Sdp;

/// <summary>
/// Offers reconstructed in the style of each peer (docs/webrtc-stack.md#sdp): Chrome (audio + video + data channel,
/// many codecs, RTX with ssrc-group FID, mDNS candidates, VP8 96), Firefox (session-level fingerprint, VP8 120,
/// extmap ids of its own incl. "6/recvonly", no candidates), aiortc 1.4 (video only, VP8 97, no ccm fir,
/// host + srflx candidates, end-of-candidates). Written with LF and converted to CRLF.
/// </summary>
internal static class SdpTestOffers
{
    public const string ChromeFingerprint = "DA:39:A3:EE:5E:6B:4B:0D:32:55:BF:EF:95:60:18:90:AF:D8:07:09:4A:9B:3C:2D:1E:0F:A1:B2:C3:D4:E5:F6";

    public static string Crlf(string s) => s.ReplaceLineEndings("\r\n");

    public static readonly string Chrome = Crlf("""
v=0
o=- 4215775240449105457 2 IN IP4 127.0.0.1
s=-
t=0 0
a=group:BUNDLE 0 1 2
a=extmap-allow-mixed
a=msid-semantic: WMS 6f1f7a4e-5d3c-4b1a-9e8f-7a6b5c4d3e2f
m=audio 54400 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126
c=IN IP4 10.255.0.2
a=rtcp:9 IN IP4 0.0.0.0
a=candidate:2437072876 1 udp 2122260223 1f4712db-ea17-4bcf-a596-105139dfd8bf.local 54400 typ host generation 0 network-id 1
a=candidate:3519226326 1 udp 2122262783 6c1f2e1a-0b7a-4a57-9b2d-4f0f3e2d1c0b.local 57353 typ host generation 0 network-id 2
a=candidate:1011823466 1 udp 2122260223 10.255.0.2 54400 typ host generation 0 network-id 1
a=ice-ufrag:EsAw
a=ice-pwd:bP+XJMM09aR8AiX1jdukzR6Y
a=ice-options:trickle
a=fingerprint:sha-256 DA:39:A3:EE:5E:6B:4B:0D:32:55:BF:EF:95:60:18:90:AF:D8:07:09:4A:9B:3C:2D:1E:0F:A1:B2:C3:D4:E5:F6
a=setup:actpass
a=mid:0
a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
a=sendrecv
a=msid:6f1f7a4e-5d3c-4b1a-9e8f-7a6b5c4d3e2f 0c2d1e3f-4a5b-6c7d-8e9f-a0b1c2d3e4f5
a=rtcp-mux
a=rtcp-rsize
a=rtpmap:111 opus/48000/2
a=rtcp-fb:111 transport-cc
a=fmtp:111 minptime=10;useinbandfec=1
a=rtpmap:63 red/48000/2
a=fmtp:63 111/111
a=rtpmap:9 G722/8000
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:13 CN/8000
a=rtpmap:110 telephone-event/48000
a=rtpmap:126 telephone-event/8000
a=ssrc:1432890172 cname:t5XwF0kqHc8tBkzl
a=ssrc:1432890172 msid:6f1f7a4e-5d3c-4b1a-9e8f-7a6b5c4d3e2f 0c2d1e3f-4a5b-6c7d-8e9f-a0b1c2d3e4f5
m=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99 100 101 102 103 104 105 106 107 45 46
c=IN IP4 0.0.0.0
a=rtcp:9 IN IP4 0.0.0.0
a=ice-ufrag:EsAw
a=ice-pwd:bP+XJMM09aR8AiX1jdukzR6Y
a=ice-options:trickle
a=fingerprint:sha-256 DA:39:A3:EE:5E:6B:4B:0D:32:55:BF:EF:95:60:18:90:AF:D8:07:09:4A:9B:3C:2D:1E:0F:A1:B2:C3:D4:E5:F6
a=setup:actpass
a=mid:1
a=extmap:14 urn:ietf:params:rtp-hdrext:toffset
a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
a=extmap:13 urn:3gpp:video-orientation
a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
a=extmap:5 http://www.webrtc.org/experiments/rtp-hdrext/playout-delay
a=extmap:6 http://www.webrtc.org/experiments/rtp-hdrext/video-content-type
a=extmap:7 http://www.webrtc.org/experiments/rtp-hdrext/video-timing
a=extmap:8 http://www.webrtc.org/experiments/rtp-hdrext/color-space
a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id
a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id
a=sendrecv
a=msid:6f1f7a4e-5d3c-4b1a-9e8f-7a6b5c4d3e2f 9d8c7b6a-5f4e-3d2c-1b0a-f9e8d7c6b5a4
a=rtcp-mux
a=rtcp-rsize
a=rtpmap:96 VP8/90000
a=rtcp-fb:96 goog-remb
a=rtcp-fb:96 transport-cc
a=rtcp-fb:96 ccm fir
a=rtcp-fb:96 nack
a=rtcp-fb:96 nack pli
a=rtpmap:97 rtx/90000
a=fmtp:97 apt=96
a=rtpmap:98 VP9/90000
a=rtcp-fb:98 goog-remb
a=rtcp-fb:98 transport-cc
a=rtcp-fb:98 ccm fir
a=rtcp-fb:98 nack
a=rtcp-fb:98 nack pli
a=fmtp:98 profile-id=0
a=rtpmap:99 rtx/90000
a=fmtp:99 apt=98
a=rtpmap:100 VP9/90000
a=fmtp:100 profile-id=2
a=rtpmap:101 rtx/90000
a=fmtp:101 apt=100
a=rtpmap:102 H264/90000
a=rtcp-fb:102 goog-remb
a=rtcp-fb:102 nack
a=rtcp-fb:102 nack pli
a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f
a=rtpmap:103 rtx/90000
a=fmtp:103 apt=102
a=rtpmap:104 H264/90000
a=fmtp:104 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f
a=rtpmap:105 rtx/90000
a=fmtp:105 apt=104
a=rtpmap:106 red/90000
a=rtpmap:107 ulpfec/90000
a=rtpmap:45 AV1/90000
a=rtcp-fb:45 nack pli
a=fmtp:45 level-idx=5;profile=0;tier=0
a=rtpmap:46 rtx/90000
a=fmtp:46 apt=45
a=ssrc-group:FID 3735928559 3405691582
a=ssrc:3735928559 cname:t5XwF0kqHc8tBkzl
a=ssrc:3735928559 msid:6f1f7a4e-5d3c-4b1a-9e8f-7a6b5c4d3e2f 9d8c7b6a-5f4e-3d2c-1b0a-f9e8d7c6b5a4
a=ssrc:3405691582 cname:t5XwF0kqHc8tBkzl
a=ssrc:3405691582 msid:6f1f7a4e-5d3c-4b1a-9e8f-7a6b5c4d3e2f 9d8c7b6a-5f4e-3d2c-1b0a-f9e8d7c6b5a4
m=application 9 UDP/DTLS/SCTP webrtc-datachannel
c=IN IP4 0.0.0.0
a=ice-ufrag:EsAw
a=ice-pwd:bP+XJMM09aR8AiX1jdukzR6Y
a=ice-options:trickle
a=fingerprint:sha-256 DA:39:A3:EE:5E:6B:4B:0D:32:55:BF:EF:95:60:18:90:AF:D8:07:09:4A:9B:3C:2D:1E:0F:A1:B2:C3:D4:E5:F6
a=setup:actpass
a=mid:2
a=sctp-port:5000
a=max-message-size:262144

""");

    public static readonly string Firefox = Crlf("""
v=0
o=mozilla...THIS_IS_SDPARTA-153.7.0 5102446311349735226 0 IN IP4 0.0.0.0
s=-
t=0 0
a=fingerprint:sha-256 0F:6E:3B:2A:71:C8:94:5D:AA:10:BB:2C:9E:44:73:06:52:E1:D0:8F:3A:C6:7B:19:2D:E8:F4:05:A3:B7:6C:91
a=group:BUNDLE 0 1
a=ice-options:trickle
a=msid-semantic:WMS *
m=audio 9 UDP/TLS/RTP/SAVPF 109 9 0 8 101
c=IN IP4 0.0.0.0
a=sendrecv
a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
a=extmap:2/recvonly urn:ietf:params:rtp-hdrext:csrc-audio-level
a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid
a=fmtp:109 maxplaybackrate=48000;stereo=1;useinbandfec=1
a=fmtp:101 0-15
a=ice-pwd:4d1f8a0b6c2e9f3a5b7c1d0e2f4a6b8c
a=ice-ufrag:9a3c5e7f
a=mid:0
a=msid:{5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d} {0a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d}
a=rtcp-mux
a=rtpmap:109 opus/48000/2
a=rtpmap:9 G722/8000/1
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:101 telephone-event/8000
a=setup:actpass
a=ssrc:2718281828 cname:{7e6d5c4b-3a2f-4e1d-9c8b-7a6f5e4d3c2b}
m=video 9 UDP/TLS/RTP/SAVPF 120 124 121 125 126 127 97 98 123 122 119
c=IN IP4 0.0.0.0
a=sendrecv
a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid
a=extmap:4 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
a=extmap:5 urn:ietf:params:rtp-hdrext:toffset
a=extmap:6/recvonly http://www.webrtc.org/experiments/rtp-hdrext/playout-delay
a=extmap:7 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
a=fmtp:126 profile-level-id=42e01f;level-asymmetry-allowed=1;packetization-mode=1
a=fmtp:97 profile-level-id=42e01f;level-asymmetry-allowed=1
a=fmtp:120 max-fs=12288;max-fr=60
a=fmtp:124 apt=120
a=fmtp:121 max-fs=12288;max-fr=60
a=fmtp:125 apt=121
a=fmtp:127 apt=126
a=fmtp:98 apt=97
a=fmtp:119 apt=122
a=ice-pwd:4d1f8a0b6c2e9f3a5b7c1d0e2f4a6b8c
a=ice-ufrag:9a3c5e7f
a=mid:1
a=msid:{5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d} {1b2c3d4e-5f6a-4b8c-9d0e-1f2a3b4c5d6e}
a=rtcp-fb:120 nack
a=rtcp-fb:120 nack pli
a=rtcp-fb:120 ccm fir
a=rtcp-fb:120 goog-remb
a=rtcp-fb:120 transport-cc
a=rtcp-fb:121 nack
a=rtcp-fb:121 nack pli
a=rtcp-fb:121 ccm fir
a=rtcp-fb:121 goog-remb
a=rtcp-fb:121 transport-cc
a=rtcp-fb:126 nack
a=rtcp-fb:126 nack pli
a=rtcp-fb:126 ccm fir
a=rtcp-fb:126 goog-remb
a=rtcp-fb:126 transport-cc
a=rtcp-fb:97 nack
a=rtcp-fb:97 nack pli
a=rtcp-fb:97 ccm fir
a=rtcp-fb:97 goog-remb
a=rtcp-fb:97 transport-cc
a=rtcp-fb:123 nack
a=rtcp-fb:123 nack pli
a=rtcp-fb:123 ccm fir
a=rtcp-fb:123 goog-remb
a=rtcp-fb:123 transport-cc
a=rtcp-mux
a=rtcp-rsize
a=rtpmap:120 VP8/90000
a=rtpmap:124 rtx/90000
a=rtpmap:121 VP9/90000
a=rtpmap:125 rtx/90000
a=rtpmap:126 H264/90000
a=rtpmap:127 rtx/90000
a=rtpmap:97 H264/90000
a=rtpmap:98 rtx/90000
a=rtpmap:123 ulpfec/90000
a=rtpmap:122 red/90000
a=rtpmap:119 rtx/90000
a=setup:actpass
a=ssrc:1618033988 cname:{7e6d5c4b-3a2f-4e1d-9c8b-7a6f5e4d3c2b}
a=ssrc:1414213562 cname:{7e6d5c4b-3a2f-4e1d-9c8b-7a6f5e4d3c2b}
a=ssrc-group:FID 1618033988 1414213562

""");

    public static readonly string Aiortc = Crlf("""
v=0
o=- 3868245364 3868245364 IN IP4 0.0.0.0
s=-
t=0 0
a=group:BUNDLE 0
a=msid-semantic:WMS *
m=video 51404 UDP/TLS/RTP/SAVPF 97 98 99 100 101 102
c=IN IP4 10.255.0.3
a=sendrecv
a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid
a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
a=mid:0
a=msid:4c6a1f2e-8b3d-4e5f-9a0b-1c2d3e4f5a6b 2b6d8f0a-1c3e-4a5b-8c7d-9e0f1a2b3c4d
a=rtcp:9 IN IP4 0.0.0.0
a=rtcp-mux
a=ssrc-group:FID 2842375342 1183011424
a=ssrc:2842375342 cname:d4f5a6b7-c8d9-4e0f-a1b2-c3d4e5f6a7b8
a=ssrc:1183011424 cname:d4f5a6b7-c8d9-4e0f-a1b2-c3d4e5f6a7b8
a=rtpmap:97 VP8/90000
a=rtcp-fb:97 nack
a=rtcp-fb:97 nack pli
a=rtcp-fb:97 goog-remb
a=rtpmap:98 rtx/90000
a=fmtp:98 apt=97
a=rtpmap:99 H264/90000
a=rtcp-fb:99 nack
a=rtcp-fb:99 nack pli
a=rtcp-fb:99 goog-remb
a=fmtp:99 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f
a=rtpmap:100 rtx/90000
a=fmtp:100 apt=99
a=rtpmap:101 H264/90000
a=rtcp-fb:101 nack
a=rtcp-fb:101 nack pli
a=rtcp-fb:101 goog-remb
a=fmtp:101 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f
a=rtpmap:102 rtx/90000
a=fmtp:102 apt=101
a=candidate:7b0b4b1f1f8a4c7e1b0f2e3d4c5b6a79 1 udp 2130706431 10.255.0.3 51404 typ host
a=candidate:c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6 1 udp 1694498815 203.0.113.9 51404 typ srflx raddr 10.255.0.3 rport 51404
a=end-of-candidates
a=ice-ufrag:Xq1L
a=ice-pwd:h0b7qAx3Ck5kL9vQhcM2Vn
a=fingerprint:sha-256 7A:1B:9C:2D:8E:3F:40:51:62:73:84:95:A6:B7:C8:D9:EA:FB:0C:1D:2E:3F:40:51:62:73:84:95:A6:B7:C8:D9
a=setup:actpass

""");
}
