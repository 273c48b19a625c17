namespace WebRtcBridge.ClientKit;
