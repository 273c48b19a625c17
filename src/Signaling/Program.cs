using WebRtcBridge.Signaling.Hosting;

var app = BridgeServer.Build(args);
app.Run();

/// <summary>The entry point, visible to tests that host the server in-process.</summary>
public partial class Program;
