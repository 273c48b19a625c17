using System.Net;
using System.Text;
using System.Text.Json;
using WebRtcBridge.Signaling.Tests.Infrastructure;

namespace WebRtcBridge.Signaling.Tests;

/// <summary>The apps' plain HTTP endpoint (JSON in, JSON out), health, and the demo's static files.</summary>
public sealed class HttpEndpointTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();
    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private Task<HttpResponseMessage> Post(string path, string json, string? key = TestServer.Key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _server.HttpUrl(path))
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (key is not null) request.Headers.TryAddWithoutValidation("Authorization", "Key " + key);
        return _http.SendAsync(request);
    }

    [Fact]
    public async Task Echo_over_http_returns_the_json_body()
    {
        var response = await Post("bridge/echo", """{"a":[1,2.5,"x"],"request_id":"q"}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(2.5, json.GetProperty("a")[1].GetDouble());
        Assert.Equal("q", json.GetProperty("request_id").GetString());
    }

    [Fact]
    public async Task Http_errors_name_the_problem()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await Post("bridge/echo", "{not json")).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await Post("bridge/echo", "[1]")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Post("bridge/echo", "{}", key: null)).StatusCode);
        var invalid = await Post("bridge/filters", """{"filter":"invert"}""");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.StatusCode);
        var detail = JsonDocument.Parse(await invalid.Content.ReadAsStringAsync()).RootElement.GetProperty("detail")[0];
        Assert.Equal("image", detail.GetProperty("loc")[1].GetString());
    }

    [Fact]
    public async Task The_demo_page_and_its_module_are_served_at_the_root()
    {
        var page = await _http.GetStringAsync(_server.HttpUrl(""));
        Assert.Contains("<script type=\"module\" src=\"app.js\">", page);
        var module = await _http.GetAsync(_server.HttpUrl("bridge-client.js"));
        Assert.Equal(HttpStatusCode.OK, module.StatusCode);
        Assert.Contains("javascript", module.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Health_lists_the_built_in_apps_to_an_authorized_caller_only()
    {
        Assert.Equal("""{"status":"ok"}""", await _http.GetStringAsync(_server.HttpUrl("health")));
        var request = new HttpRequestMessage(HttpMethod.Get, _server.HttpUrl("health"));
        request.Headers.TryAddWithoutValidation("Authorization", "Key " + TestServer.Key);
        var json = JsonDocument.Parse(await (await _http.SendAsync(request)).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("ok", json.GetProperty("status").GetString());
        var apps = json.GetProperty("apps").EnumerateArray().Select(a => a.GetString()).ToList();
        Assert.Contains("bridge/echo", apps);
        Assert.Contains("bridge/filters", apps);
    }
}
