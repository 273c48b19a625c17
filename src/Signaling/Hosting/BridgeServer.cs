using Microsoft.Extensions.Options;
using WebRtcBridge.MediaRunner.Apps;
using WebRtcBridge.MediaRunner.BuiltIn;
using WebRtcBridge.MediaRunner.Realtime;
using WebRtcBridge.Protocol.MsgPack;
using WebRtcBridge.Signaling.Auth;
using WebRtcBridge.Signaling.Endpoints;
using WebRtcBridge.Signaling.Routing;

namespace WebRtcBridge.Signaling.Hosting;

/// <summary>Builds the web host: configuration, services, endpoints. Tests call <see cref="Build"/> with
/// <c>--urls http://127.0.0.1:0</c> and their own configuration.</summary>
public static class BridgeServer
{
    public const string DefaultUrl = "http://localhost:5000";

    public static WebApplication Build(string[] args, Action<AppRegistry>? addApps = null, Action<WebApplicationBuilder>? configure = null)
    {
        // Frame handlers and encoders run synchronous work of a few milliseconds on pool threads; on 2 cores the
        // default minimum of 2 threads makes every burst wait for the pool's slow thread injection.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), io);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = FindWebRoot(),
        });
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]) &&
            string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_URLS")))
            builder.WebHost.UseUrls(DefaultUrl);
        builder.Logging.AddSimpleConsole(o =>
        {
            o.IncludeScopes = true;
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Services.Configure<BridgeOptions>(builder.Configuration.GetSection(BridgeOptions.Section));
        builder.Services.Configure<AuthOptions>(builder.Configuration.GetSection(AuthOptions.Section));
        builder.Services.AddSingleton<ApiKeyStore>();
        builder.Services.AddSingleton<TokenService>();
        builder.Services.AddSingleton<HandshakeAuthenticator>();
        builder.Services.AddSingleton(sp =>
        {
            var registry = new AppRegistry();
            BuiltInApps.Register(registry);
            OnnxAppsLoader.Register(registry, builder.Configuration, sp.GetRequiredService<ILoggerFactory>().CreateLogger("WebRtcBridge.Onnx"));
            addApps?.Invoke(registry);
            return registry;
        });
        builder.Services.AddSingleton<AppRouteResolver>();
        builder.Services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<BridgeOptions>>().Value;
            return new MessageCodec(new MsgPackLimits { MaxDepth = o.MaxDepth, MaxMessageSize = o.MaxMessageBytes });
        });
        builder.Services.AddSingleton<WebRtcSessionLimiter>();
        builder.Services.AddSingleton<AppSocketEndpoint>();
        builder.Services.AddSingleton<AppHttpEndpoint>();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.Services.GetRequiredService<AppRegistry>(); // now: a bad Apps:* entry stops the start, naming its key
        var keys = app.Services.GetRequiredService<ApiKeyStore>();
        if (keys.IsOpen)
            app.Logger.LogWarning("No API keys configured (Auth:Keys): the server is OPEN, every client is accepted.");

        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(20) });
        app.UseDefaultFiles();
        app.UseStaticFiles();
        // Routing after static files: the app catch-all route would otherwise claim GET / before the demo is served.
        app.UseRouting();
        app.MapGet("/health", (AppRegistry registry, HttpContext http) => Results.Json(new
        {
            status = "ok",
            realtimeSessions = RealtimeMetrics.Active,
            webrtcSessions = http.RequestServices.GetRequiredService<WebRtcSessionLimiter>().Active,
            apps = registry.Apps.Select(a => a.Id.ToString()),
        }));
        app.MapPost("/tokens", TokenEndpoint.HandleAsync);
        app.Map("/{**path}", async (HttpContext http, AppSocketEndpoint sockets, AppHttpEndpoint posts) =>
        {
            if (http.WebSockets.IsWebSocketRequest) await sockets.HandleAsync(http);
            else if (HttpMethods.IsPost(http.Request.Method)) await posts.HandleAsync(http);
            else http.Response.StatusCode = StatusCodes.Status404NotFound;
        });
        return app;
    }

    /// <summary>The first address a started server listens on (useful with <c>--urls http://127.0.0.1:0</c>).</summary>
    public static Uri ListeningUri(WebApplication app)
        => new(app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First());

    /// <summary>wwwroot is found next to the binary (published) or up the tree from it (dotnet run, tests).</summary>
    private static string? FindWebRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "wwwroot");
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }
}
