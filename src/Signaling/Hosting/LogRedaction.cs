using System.Text;

namespace WebRtcBridge.Signaling.Hosting;

/// <summary>
/// Keeps temporary tokens out of the logs: ASP.NET Core's request lines ("Request starting … /realtime?fal_jwt_token=…")
/// carry the query string, so every log provider is wrapped in one that replaces the token's value with
/// <c>[redacted]</c> in the formatted message.
/// </summary>
public static class LogRedaction
{
    private const string TokenParameter = "fal_jwt_token=";
    private const string Mask = "[redacted]";

    /// <summary>The text with every <c>fal_jwt_token=</c> value replaced by <c>[redacted]</c>.</summary>
    public static string Redact(string text)
    {
        var at = text.IndexOf(TokenParameter, StringComparison.OrdinalIgnoreCase);
        if (at < 0) return text;
        var result = new StringBuilder(text.Length);
        var from = 0;
        while (at >= 0)
        {
            var valueStart = at + TokenParameter.Length;
            var valueEnd = valueStart;
            while (valueEnd < text.Length && text[valueEnd] is not ('&' or ' ' or '"' or '\'' or '#' or '\r' or '\n')) valueEnd++;
            result.Append(text, from, valueStart - from).Append(Mask);
            from = valueEnd;
            at = text.IndexOf(TokenParameter, from, StringComparison.OrdinalIgnoreCase);
        }
        return result.Append(text, from, text.Length - from).ToString();
    }

    /// <summary>Wraps every registered <see cref="ILoggerProvider"/> (call after all providers are added).</summary>
    public static void WrapLoggerProviders(IServiceCollection services)
    {
        for (var i = 0; i < services.Count; i++)
        {
            var d = services[i];
            if (d.ServiceType != typeof(ILoggerProvider) || d.IsKeyedService) continue;
            services[i] = ServiceDescriptor.Singleton<ILoggerProvider>(sp => new RedactingProvider(Create(sp, d)));
        }
    }

    private static ILoggerProvider Create(IServiceProvider sp, ServiceDescriptor d)
        => d.ImplementationInstance as ILoggerProvider
           ?? (d.ImplementationFactory is { } factory ? (ILoggerProvider)factory(sp)
               : (ILoggerProvider)ActivatorUtilities.CreateInstance(sp, d.ImplementationType!));

    private sealed class RedactingProvider(ILoggerProvider inner) : ILoggerProvider, ISupportExternalScope
    {
        public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName));

        public void SetScopeProvider(IExternalScopeProvider scopeProvider)
        {
            if (inner is ISupportExternalScope scoped) scoped.SetScopeProvider(scopeProvider);
        }

        public void Dispose() => inner.Dispose();
    }

    private sealed class RedactingLogger(ILogger inner) : ILogger
    {
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => inner.Log(logLevel, eventId, state, exception, (s, e) => Redact(formatter(s, e)));

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);
    }
}
