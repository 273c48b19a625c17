namespace WebRtcBridge.MediaRunner;
