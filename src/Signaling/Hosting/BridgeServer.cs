using Microsoft.Extensions.Options;
using WebRtcBridge.MediaRunner.Apps;
using WebRtcBridge.MediaRunner.BuiltIn;
using WebRtcBridge.MediaRunner.Overload;
using WebRtcBridge.MediaRunner.FrameAdapters.Remote;
using WebRtcBridge.MediaRunner.Realtime;
using WebRtcBridge.MediaRunner.WebRtcSessions;
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
            var o = sp.GetRequiredService<IOptions<BridgeOptions>>().Value;
            var limits = new MsgPackLimits { MaxDepth = o.MaxDepth, MaxMessageSize = o.MaxMessageBytes };
            foreach (var section in builder.Configuration.GetSection(RemoteAppOptions.Section).GetChildren())
                registry.Add(RemoteApp.Create(section.Get<RemoteAppOptions>() ?? new RemoteAppOptions(), limits));
            OnnxAppsLoader.Register(registry, builder.Configuration, sp.GetRequiredService<ILoggerFactory>().CreateLogger("WebRtcBridge.Onnx"));
            addApps?.Invoke(registry);
            return registry;
        });
        builder.Services.AddSingleton<AppRouteResolver>();
        builder.Services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<BridgeOptions>>().Value;
            return new MessageCodec(new MsgPackLimits { MaxDepth = o.MaxDepth, MaxMessageSize = o.MaxMessageBytes, MaxElements = o.MaxElements });
        });
        builder.Services.AddSingleton<SocketLimiter>();
        // Built on first use, so a bad Bridge:WebRtc setting fails the first /webrtc session, not the start of a
        // server that may serve only realtime clients.
        builder.Services.AddSingleton(sp => new Lazy<WebRtcSessionOptions>(() => WebRtcSessionSettings.From(
            sp.GetRequiredService<IOptions<BridgeOptions>>().Value, sp.GetRequiredService<LimitCounters>(),
            sp.GetRequiredService<NodeLoad>())));
        builder.Services.AddSingleton<NodeLoad>();
        builder.Services.AddSingleton<INodeLoadSource>(sp => sp.GetRequiredService<NodeLoad>());
        builder.Services.AddSingleton(sp =>
        {
            var admission = sp.GetRequiredService<IOptions<BridgeOptions>>().Value.Admission;
            admission.Validate();
            return new LoadAdmission(sp.GetRequiredService<INodeLoadSource>(), admission);
        });
        builder.Services.AddSingleton<AppSocketEndpoint>();
        builder.Services.AddSingleton<AppHttpEndpoint>();
        builder.Services.AddSingleton<LimitCounters>();
        var limits = builder.Configuration.GetSection(BridgeOptions.Section).Get<BridgeOptions>() ?? new BridgeOptions();
        builder.Services.AddRateLimiter(o => HttpLimits.Configure(o, limits));
        configure?.Invoke(builder);
        LogRedaction.WrapLoggerProviders(builder.Services);

        var app = builder.Build();
        app.Services.GetRequiredService<LoadAdmission>(); // validates Bridge:Admission at start
        app.Services.GetRequiredService<AppRegistry>(); // configuration errors (e.g. a bad Apps:Remote entry) fail at start
        var keys = app.Services.GetRequiredService<ApiKeyStore>();
        app.Services.GetRequiredService<TokenService>(); // a bad Auth:SigningKey fails here, at start
        if (keys.IsOpen)
            app.Logger.LogWarning("No API keys configured (Auth:Keys): the server is OPEN, every client is accepted.");

        // A handler's exception never reaches the client: a bare 500 with no exception text.
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = http => http.Response.WriteAsJsonAsync(new { detail = "internal server error" }),
        });
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(20) });
        app.UseDefaultFiles();
        app.UseStaticFiles();
        // Routing after static files: the app catch-all route would otherwise claim GET / before the demo is served.
        app.UseRouting();
        app.UseRateLimiter();
        // Detail only for an authorized caller (a valid API key, or anyone when the server is open).
        app.MapGet("/health", (AppRegistry registry, HttpContext http, HandshakeAuthenticator auth, SocketLimiter sockets,
            LimitCounters counters) => auth.HasValidKey(http, out _)
            ? Results.Json(new
            {
                status = "ok",
                realtimeSessions = RealtimeMetrics.Active,
                webrtcSessions = sockets.Active,
                apps = registry.Apps.Select(a => a.Id.ToString()),
                rejected = counters.Snapshot(),
                load = http.RequestServices.GetRequiredService<INodeLoadSource>().Read().ToHealth(),
            })
            : Results.Json(new { status = "ok" }));
        app.MapPost("/tokens", TokenEndpoint.HandleAsync).RequireRateLimiting(TokenEndpoint.RateLimitPolicy);
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
