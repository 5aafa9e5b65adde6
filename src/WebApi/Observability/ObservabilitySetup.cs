using CleanUser.Application.Common.Observability;
using CleanUser.Infrastructure.Media;
using CleanUser.Infrastructure.Observability;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CleanUser.WebApi.Observability;

/// <summary>
/// docs/operations.md#observability (docs/adr/0024-observability.md): OpenTelemetry, on only when something takes its
/// output. <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set: traces (HTTP server, HttpClient, each MediatR request, webhook
/// deliveries, PostgreSQL commands through Npgsql's own source) and metrics go to that collector, configured by the
/// standard <c>OTEL_*</c> variables. <c>Observability:Prometheus=true</c>: the metrics are also served on <c>/metrics</c>.
/// Neither: no provider is built, and spans and metrics cost only their listeners' checks. Logs are untouched.
/// </summary>
public static class ObservabilitySetup
{
    public const string Section = "Observability";
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static IServiceCollection AddObservability(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var otlp = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointKey]);
        var prometheus = Prometheus(configuration);
        if (!otlp && !prometheus)
        {
            return services;
        }

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(CleanUserTelemetry.Name))
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddMeter(CleanUserTelemetry.Name, ImageMetrics.MeterName)
                    // Built with the provider, so the outbox gauges exist before anything counts.
                    .AddInstrumentation(provider => provider.GetRequiredService<CleanUserMetrics>());
                if (prometheus)
                {
                    metrics.AddPrometheusExporter();
                }

                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
        if (otlp)
        {
            telemetry.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddSource(CleanUserTelemetry.Name, "Npgsql")
                .AddOtlpExporter());
        }

        return services;
    }

    /// <summary><c>/metrics</c> in the Prometheus text format, with <c>Observability:Prometheus=true</c>: outside the API, so not rate limited, and not in the OpenAPI document.</summary>
    public static void MapMetrics(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (Prometheus(app.Configuration))
        {
            app.MapPrometheusScrapingEndpoint().ExcludeFromDescription();
        }
    }

    private static bool Prometheus(IConfiguration configuration) => configuration.GetValue<bool>($"{Section}:Prometheus");
}
