using Microsoft.AspNetCore.Builder;
using WebRtcBridge.MediaRunner.Apps;
using WebRtcBridge.Signaling.Hosting;

namespace WebRtcBridge.Signaling.Tests.Infrastructure;

/// <summary>Our real server on Kestrel, 127.0.0.1, an ephemeral port.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestServer(WebApplication app, Uri http)
    {
        _app = app;
        Http = http;
        Ws = new Uri(http.ToString().Replace("http://", "ws://"));
    }

    public Uri Http { get; }
    public Uri Ws { get; }
    public IServiceProvider Services => _app.Services;

    public const string Key = "test-key:test-secret";

    /// <summary>Starts a server; <paramref name="settings"/> are configuration overrides ("Section:Key" = value).</summary>
    public static async Task<TestServer> StartAsync(Action<AppRegistry>? apps = null, IDictionary<string, string?>? settings = null, bool withKey = true,
        Action<WebApplicationBuilder>? configure = null)
    {
        var args = new List<string> { "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning" };
        if (withKey) args.AddRange(["--Auth:Keys:0", Key]);
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) args.AddRange(["--" + k, v ?? ""]);
        var app = BridgeServer.Build(args.ToArray(), apps, configure);
        await app.StartAsync();
        var address = BridgeServer.ListeningUri(app).ToString();
        return new TestServer(app, new Uri(address.TrimEnd('/') + "/"));
    }

    public Uri WsUrl(string pathAndQuery) => new(Ws, pathAndQuery.TrimStart('/'));
    public Uri HttpUrl(string pathAndQuery) => new(Http, pathAndQuery.TrimStart('/'));

    /// <summary>Stops the host as SIGTERM does (ApplicationStopping, then the server drains).</summary>
    public Task StopAsync() => _app.StopAsync();

    /// <summary>Stops at once, without waiting for open sockets to finish (a crash, as far as clients can tell).</summary>
    public async Task KillAsync()
    {
        using var now = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        try { await _app.StopAsync(now.Token); }
        catch (OperationCanceledException) { }
        await _app.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
