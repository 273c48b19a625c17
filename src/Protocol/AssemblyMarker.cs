namespace WebRtcBridge.Protocol;
