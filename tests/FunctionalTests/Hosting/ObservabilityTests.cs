using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using CleanUser.Application.Common.Observability;
using CleanUser.Tests.Support;

namespace CleanUser.FunctionalTests.Hosting;

/// <summary>
/// docs/operations.md#observability: <c>/metrics</c> with <c>Observability:Prometheus=true</c> (and only then), the
/// service's own metrics in it, a span per MediatR request with its outcome, and OTLP export to a collector (a real
/// HTTP listener standing in for one). OpenTelemetry listens to meters by name across the process, so these tests run
/// alone (<see cref="RunsAlone"/>): no other test host's <c>CleanUser</c> meter adds to what they read.
/// </summary>
[Collection(nameof(RunsAlone))]
public sealed class ObservabilityTests
{
    [Fact]
    public async Task With_prometheus_on_metrics_shows_request_durations_and_the_outbox_backlog_read_from_the_database()
    {
        // No dispatcher: the event of the avatar change stays pending, so the backlog gauge has a row to count.
        using var app = TestApp.With(new TestAppOptions { Outbox = false, Settings = Prometheus });
        var id = await app.CreateUserAsync(new UserBuilder().With(u => u.ChangeAvatar($"avatars/{new string('b', 64)}.jpg", DateTimeOffset.UtcNow)));
        using var client = app.ClientFor(id);
        await (await client.PatchJsonAsync(id, new { bio = "observed" })).ReadUserAsync();

        var metrics = await ScrapeAsync(app);

        Assert.Contains("http_server_request_duration_seconds_bucket{", metrics, StringComparison.Ordinal);
        Assert.Contains("http_request_method=\"PATCH\"", metrics, StringComparison.Ordinal);
        var pending = (await app.OutboxAsync()).Count(m => m.ProcessedAt is null);
        Assert.True(pending > 0);
        Assert.Equal(pending, Value(metrics, "cleanuser_outbox_backlog"));
        Assert.True(Value(metrics, "cleanuser_outbox_oldest_pending_age_seconds") >= 0);
    }

    [Fact]
    public async Task Without_prometheus_there_is_no_metrics_endpoint()
    {
        using var app = new TestApp();

        var response = await app.Client().GetAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task The_throttled_counter_moves_on_a_429()
    {
        var settings = new Dictionary<string, string>(Prometheus)
        {
            ["RateLimiting:WriteBurst"] = "1",
            ["RateLimiting:WritesPerMinute"] = "1",
        };
        using var app = TestApp.With(new TestAppOptions { Settings = settings });
        var id = await app.CreateUserAsync();
        using var client = app.ClientFor(id);
        await (await client.PatchJsonAsync(id, new { bio = "allowed" })).ReadUserAsync();
        var before = ValueOrZero(await ScrapeAsync(app), "cleanuser_requests_throttled_total");

        await (await client.PatchJsonAsync(id, new { bio = "throttled" })).AssertErrorAsync(HttpStatusCode.TooManyRequests, "throttled");

        // The exporter may answer a scrape from its short cache: wait for a fresh one.
        await Eventually.TrueAsync(async () => ValueOrZero(await ScrapeAsync(app), "cleanuser_requests_throttled_total") == before + 1,
            "the throttled counter counts the 429");
    }

    [Fact]
    public async Task Webhook_attempts_are_counted_by_outcome()
    {
        var settings = new Dictionary<string, string>(Prometheus) { ["Webhooks:RetryBaseSeconds"] = "0.05" };
        using var app = TestApp.With(new TestAppOptions { Settings = settings });
        await using var subscription = await Webhooks.Subscription.StartAsync(app);
        subscription.Receiver.AnswerNext(500);
        var id = await app.CreateUserAsync();

        (await app.ClientFor(id).PatchJsonAsync(id, new { bio = "counted" })).EnsureSuccessStatusCode();

        Assert.Equal([500, 200], (await subscription.ReceivedAsync(2)).Select(r => r.Answered));
        await Eventually.TrueAsync(async () =>
        {
            var metrics = await ScrapeAsync(app);
            return WebhookDeliveries(metrics, "retrying") == 1 && WebhookDeliveries(metrics, "delivered") == 1 &&
                   WebhookDeliveries(metrics, "failed") == 0;
        }, "one retried and one delivered attempt are counted");
    }

    [Fact]
    public async Task Each_mediatr_request_is_a_span_named_after_it_with_its_outcome()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is CleanUserTelemetry.Name or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        using var app = new TestApp();
        var alice = await app.CreateUserAsync();
        var bob = await app.CreateUserAsync();
        using var client = app.ClientFor(alice);

        var handled = ActivityTraceId.CreateRandom();
        await (await client.SendAsync(Traced(HttpMethod.Patch, alice, handled))).ReadUserAsync();
        var refused = ActivityTraceId.CreateRandom();
        await (await client.SendAsync(Traced(HttpMethod.Patch, bob, refused))).AssertErrorAsync(HttpStatusCode.Forbidden, "permission_denied");

        var handledSpan = Assert.Single(spans, s => s.Source.Name == CleanUserTelemetry.Name && s.TraceId == handled);
        Assert.Equal("PatchUserCommand", handledSpan.DisplayName);
        Assert.Equal("handled", handledSpan.GetTagItem(CleanUserTelemetry.OutcomeTag));
        var refusedSpan = Assert.Single(spans, s => s.Source.Name == CleanUserTelemetry.Name && s.TraceId == refused);
        Assert.Equal("refused", refusedSpan.GetTagItem(CleanUserTelemetry.OutcomeTag));
        Assert.Equal("ForbiddenException", refusedSpan.GetTagItem(CleanUserTelemetry.ReasonTag));
        // Inside the HTTP server's span of its request.
        Assert.Contains(spans, s => s.Source.Name == "Microsoft.AspNetCore" && s.TraceId == refused && s.SpanId == refusedSpan.ParentSpanId);
    }

    [Fact]
    public async Task With_an_otlp_endpoint_the_spans_of_a_request_are_exported_to_it()
    {
        using var collector = new HttpListener();
        var port = Ports.Free();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        var received = new ConcurrentDictionary<string, string>();
        var receiving = ReceiveAsync(collector, received);
        using var app = TestApp.With(new TestAppOptions
        {
            Settings = new Dictionary<string, string>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{port}",
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                // Export every 100 ms rather than waiting for the shutdown's flush, whose grace (5 s) a loaded CI machine
                // can outrun before the exporter's first request is out.
                ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
                ["OTEL_METRIC_EXPORT_INTERVAL"] = "100",
            },
        });
        var id = await app.CreateUserAsync();
        using (var client = app.ClientFor(id))
        {
            await (await client.PatchJsonAsync(id, new { bio = "exported" })).ReadUserAsync();
        }

        await Eventually.TrueAsync(() => received.TryGetValue("/v1/traces", out var traces) &&
                                         traces.Contains("PatchUserCommand", StringComparison.Ordinal) &&
                                         traces.Contains(CleanUserTelemetry.OutcomeTag, StringComparison.Ordinal),
            "the span of the PATCH's command, with its outcome, reaches the collector");
        await Eventually.TrueAsync(() => received.ContainsKey("/v1/metrics"), "metrics reach the collector");
        app.Dispose(); // before the collector stops: the shutdown's last export still finds it
        collector.Stop();
        await receiving;
    }

    /// <summary>Answers every OTLP export with <c>200</c>, keeping the bodies (protobuf, read as Latin-1 for their strings) by path.</summary>
    private static async Task ReceiveAsync(HttpListener collector, ConcurrentDictionary<string, string> received)
    {
        while (collector.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await collector.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using var body = new StreamReader(context.Request.InputStream, System.Text.Encoding.Latin1);
            var text = await body.ReadToEndAsync();
            received.AddOrUpdate(context.Request.Url!.AbsolutePath, text, (_, earlier) => earlier + text);
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    private static readonly Dictionary<string, string> Prometheus = new() { ["Observability:Prometheus"] = "true" };

    /// <summary>A PATCH of the user's bio carrying a W3C <c>traceparent</c> of trace <paramref name="trace"/>.</summary>
    private static HttpRequestMessage Traced(HttpMethod method, long id, ActivityTraceId trace)
    {
        var request = new HttpRequestMessage(method, Api.UserUri(id)) { Content = Api.Json(new { bio = "traced" }) };
        request.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");
        return request;
    }

    private static async Task<string> ScrapeAsync(TestApp app)
    {
        var response = await app.Client().GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The value of the one sample of <paramref name="name"/> (with any labels) in a Prometheus text exposition.</summary>
    private static double Value(string metrics, string name) =>
        double.Parse(Assert.Single(Samples(metrics, name)), CultureInfo.InvariantCulture);

    private static double ValueOrZero(string metrics, string name) =>
        Samples(metrics, name).SingleOrDefault() is { } value ? double.Parse(value, CultureInfo.InvariantCulture) : 0;

    private static double WebhookDeliveries(string metrics, string outcome) =>
        metrics.Split('\n')
            .Where(line => line.StartsWith("cleanuser_webhook_deliveries_total{", StringComparison.Ordinal) &&
                           line.Contains($"outcome=\"{outcome}\"", StringComparison.Ordinal))
            .Select(line => double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture))
            .SingleOrDefault();

    private static IEnumerable<string> Samples(string metrics, string name) =>
        metrics.Split('\n')
            .Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal))
            .Select(line => line[(line.StartsWith(name + "{", StringComparison.Ordinal) ? line.LastIndexOf('}') + 1 : name.Length)..]
                .Trim().Split(' ')[0]);
}

[CollectionDefinition(nameof(RunsAlone), DisableParallelization = true)]
public sealed class RunsAlone;
